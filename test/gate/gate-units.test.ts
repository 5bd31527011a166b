// The gate's pure parts: `next` never leaves the site (property-tested), email rules, tracker injection.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isAllowed, isValidEmail, normaliseEmail } from '../../src/gate/email.ts';
import { withTracker } from '../../src/server/gate/content.ts';
import { safeNext } from '../../src/server/gate/safe-next.ts';

test('safeNext: whatever the input, the result is a path on this site', () => {
  const pieces = fc.constantFrom(
    '/',
    '\\',
    '//',
    '/\\',
    '.',
    '..',
    '%2f',
    '%5c',
    '\t',
    '\n',
    ':',
    'evil.com',
    '@',
    '?',
    '#',
    'https:',
    'a',
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(pieces).map((p) => p.join('')),
      ),
      (raw) => {
        const next = safeNext(raw, '/confidential/');
        const resolved = new URL(next, 'https://site.test');
        assert.equal(resolved.origin, 'https://site.test', `${JSON.stringify(raw)} -> ${next}`);
        assert.ok(next.startsWith('/') && !next.startsWith('//') && !next.includes('\\'));
      },
    ),
    { numRuns: 2_000 },
  );
});

test('safeNext keeps ordinary paths and normalises dot segments', () => {
  assert.equal(safeNext('/confidential/a.html?x=1#s', '/g/'), '/confidential/a.html?x=1#s');
  assert.equal(safeNext('/confidential/../admin', '/g/'), '/admin');
  assert.equal(safeNext(undefined, '/g/'), '/g/');
  assert.equal(safeNext('https://evil.com', '/g/'), '/g/');
});

test('emails: normalised, validated, matched against addresses and @domains', () => {
  assert.equal(normaliseEmail('  Jo.Doe+x@Example.COM '), 'jo.doe+x@example.com');
  for (const ok of ['a@b.co', 'jo.doe+x@mail.example.com', "o'neil@x-y.io"]) assert.ok(isValidEmail(ok), ok);
  for (const bad of [
    'a@b',
    '@b.co',
    'a.@b.co',
    'a..b@c.co',
    'a@b..co',
    'a@1.2.3.4',
    'a@-b.co',
    'a b@c.co',
    'a@b.co\n',
  ])
    assert.ok(!isValidEmail(bad), bad);
  assert.ok(isAllowed('x@any.com', []));
  assert.ok(isAllowed('jo@acme.com', ['jo@acme.com']));
  assert.ok(isAllowed('ann@acme.com', ['@acme.com']));
  assert.ok(!isAllowed('ann@evilacme.com', ['@acme.com']));
  assert.ok(!isAllowed('ann@sub.acme.com', ['@acme.com']));
});

test('withTracker: before </head>, else </body>, else appended; never twice; opt-out honoured', () => {
  const tag = '<script src="/dwell.js" defer></script>';
  assert.equal(withTracker('<head></HEAD><body></body>'), `<head>${tag}\n</HEAD><body></body>`);
  assert.equal(withTracker('<p>x</p></body>'), `<p>x</p>${tag}\n</body>`);
  assert.equal(withTracker('<p>x</p>'), `<p>x</p>\n${tag}\n`);
  const pinned = '<script defer src="https://d.example/dwell.0123abcd.js"></script></head>';
  assert.equal(withTracker(pinned), pinned);
  const off = '<meta name="dwell-tracker" content="off"></head>';
  assert.equal(withTracker(off), off);
});
