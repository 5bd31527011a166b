import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findHostConflicts, SiteResolver } from './resolve-site.ts';
import { type HostPattern, parseHostPatterns } from './site-input.ts';

interface TestSite {
  id: string;
  hosts: HostPattern[];
}

function site(id: string, ...hosts: string[]): TestSite {
  return { id, hosts: parseHostPatterns(hosts) };
}

const blog = site('blog', 'example.com', 'www.example.com');
const docs = site('docs', 'example.com/docs');
const alice = site('alice', 'bio.re/alice');
const aliceLinks = site('alice-links', 'bio.re/alice/links');
const bio = site('bio', 'bio.re');
const local = site('local', 'localhost', '::1', 'bücher.de');
const resolver = new SiteResolver([blog, docs, alice, aliceLinks, bio, local]);

function idOf(url: string): string | null {
  return resolver.resolve(url)?.id ?? null;
}

describe('SiteResolver.resolve', () => {
  it('finds the site listing the page host, on any port and scheme', () => {
    assert.equal(idOf('https://example.com/'), 'blog');
    assert.equal(idOf('http://example.com:8080/posts/1?x=1#top'), 'blog');
    assert.equal(idOf('https://WWW.EXAMPLE.COM/posts'), 'blog');
    assert.equal(idOf('https://example.com./posts'), 'blog');
  });

  it('matches hosts exactly: a subdomain that is not listed is nobody’s', () => {
    assert.equal(idOf('https://shop.example.com/'), null);
    assert.equal(idOf('https://www.bio.re/alice'), null);
    assert.equal(idOf('https://example.org/'), null);
  });

  it('matches paths on segment boundaries', () => {
    assert.equal(idOf('https://bio.re/alice'), 'alice');
    assert.equal(idOf('https://bio.re/alice/'), 'alice');
    assert.equal(idOf('https://bio.re/alice/about'), 'alice');
    assert.equal(idOf('https://bio.re/alicette'), 'bio');
    assert.equal(idOf('https://bio.re/Alice'), 'bio');
    assert.equal(idOf('https://bio.re/'), 'bio');
  });

  it('prefers the longest path prefix, whatever the order sites are listed in', () => {
    assert.equal(idOf('https://bio.re/alice/links'), 'alice-links');
    assert.equal(idOf('https://bio.re/alice/links/2'), 'alice-links');
    assert.equal(idOf('https://example.com/docs/start'), 'docs');
    const reversed = new SiteResolver([bio, aliceLinks, alice]);
    assert.equal(reversed.resolve('https://bio.re/alice/links/2')?.id, 'alice-links');
    assert.equal(reversed.resolve('https://bio.re/alice/x')?.id, 'alice');
  });

  it('returns null where only a path site claims the host and the path is not under it', () => {
    const only = new SiteResolver([alice]);
    assert.equal(only.resolve('https://bio.re/bob'), null);
    assert.equal(only.resolve('https://bio.re/'), null);
  });

  it('resolves loopback, IPv6 and internationalised hosts', () => {
    assert.equal(idOf('http://localhost:3000/'), 'local');
    assert.equal(idOf('http://[::1]:3000/app'), 'local');
    assert.equal(idOf('https://bücher.de/'), 'local');
    assert.equal(idOf('https://xn--bcher-kva.de/'), 'local');
  });

  it('returns null for what is not an http(s) URL', () => {
    for (const url of [
      '',
      'example.com',
      'ftp://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
    ]) {
      assert.equal(idOf(url), null, url);
    }
  });

  it('lets the first site listed win a host and path two sites claim', () => {
    const twice = new SiteResolver([site('first', 'x.com'), site('second', 'x.com')]);
    assert.equal(twice.resolve('https://x.com/')?.id, 'first');
  });

  it('agrees with a plain scan of every site for any path', () => {
    const sites = [bio, alice, aliceLinks];
    const segment = fc.constantFrom('alice', 'alicette', 'links', 'bob', '');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), (segments) => {
        const path = `/${segments.join('/')}`;
        const expected = sites
          .flatMap((s) => s.hosts.map((h) => ({ s, h })))
          .filter(({ h }) => h.path === '' || path === h.path || path.startsWith(`${h.path}/`))
          .sort((a, b) => b.h.path.length - a.h.path.length)[0]?.s.id;
        assert.equal(new SiteResolver(sites).resolveHost('bio.re', path)?.id, expected);
      }),
    );
  });
});

describe('SiteResolver.resolveHost', () => {
  it('resolves an Origin header host, which has no path, to the site of the whole host', () => {
    assert.equal(resolver.resolveHost('example.com')?.id, 'blog');
    assert.equal(resolver.resolveHost('bio.re')?.id, 'bio');
    assert.equal(resolver.resolveHost('[::1]')?.id, 'local');
    assert.equal(resolver.resolveHost('::1')?.id, 'local');
    assert.equal(new SiteResolver([alice]).resolveHost('bio.re'), null);
  });

  it('takes a path when there is one', () => {
    assert.equal(resolver.resolveHost('bio.re', '/alice/links')?.id, 'alice-links');
  });
});

describe('findHostConflicts', () => {
  it('lists each host and path claimed by more than one site, with the claimants', () => {
    const conflicts = findHostConflicts([
      site('a', 'x.com', 'bio.re/alice'),
      site('b', 'y.com', 'BIO.re/alice/'),
      site('c', 'x.com'),
      site('d', 'bio.re'),
    ]);
    assert.deepEqual(conflicts, [
      { pattern: 'bio.re/alice', ids: ['a', 'b'] },
      { pattern: 'x.com', ids: ['a', 'c'] },
    ]);
  });

  it('finds none where hosts differ by path or subdomain', () => {
    assert.deepEqual(findHostConflicts([blog, docs, alice, aliceLinks, bio, local]), []);
  });

  it('does not count a site listing a host twice as a conflict', () => {
    const twice = { id: 'a', hosts: [...site('a', 'x.com').hosts, ...site('a', 'x.com').hosts] };
    assert.deepEqual(findHostConflicts([twice]), []);
  });
});
