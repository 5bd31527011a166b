import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  defaultOrigins,
  formatHostPattern,
  type HostPattern,
  parseHostPattern,
  parseHostPatterns,
  parseOrigin,
  parseOrigins,
  parseSiteId,
  parseTimeZone,
  SiteInputError,
  siteIdFor,
} from './site-input.ts';

/** Asserts that `run` throws a SiteInputError for `field` whose message matches `message`. */
function assertRejects(run: () => unknown, field: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SiteInputError, `not a SiteInputError: ${String(error)}`);
    assert.equal(error.name, 'SiteInputError');
    assert.equal(error.field, field);
    assert.match(error.message, message);
    return true;
  });
}

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const anyHostPattern: fc.Arbitrary<HostPattern> = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('com', 'co.uk', 'io', 're'),
    fc.array(fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/), { maxLength: 3 }),
  )
  .map(([labels, tld, segments]) => ({
    host: [...labels, tld].join('.'),
    path: segments.map((s) => `/${s}`).join(''),
  }));

describe('parseHostPattern', () => {
  it('accepts host names, lowercased, without a trailing dot', () => {
    assert.deepEqual(parseHostPattern('example.com'), { host: 'example.com', path: '' });
    assert.deepEqual(parseHostPattern('WWW.Example.com.'), { host: 'www.example.com', path: '' });
    assert.deepEqual(parseHostPattern('  example.com '), { host: 'example.com', path: '' });
  });

  it('accepts a path, without its trailing slash', () => {
    assert.deepEqual(parseHostPattern('bio.re/alice'), { host: 'bio.re', path: '/alice' });
    assert.deepEqual(parseHostPattern('bio.re/alice/'), { host: 'bio.re', path: '/alice' });
    assert.deepEqual(parseHostPattern('bio.re/Alice/links//'), { host: 'bio.re', path: '/Alice/links' });
    assert.deepEqual(parseHostPattern('bio.re/'), { host: 'bio.re', path: '' });
  });

  it('percent-encodes a path as browsers do, so it compares with URL#pathname', () => {
    assert.deepEqual(parseHostPattern('example.com/café'), { host: 'example.com', path: '/caf%C3%A9' });
    assert.equal(new URL('https://example.com/café/menu').pathname.startsWith('/caf%C3%A9/'), true);
  });

  it('accepts localhost and IP addresses, IPv6 in brackets as URL#hostname has it', () => {
    assert.deepEqual(parseHostPattern('localhost'), { host: 'localhost', path: '' });
    assert.deepEqual(parseHostPattern('127.0.0.1'), { host: '127.0.0.1', path: '' });
    assert.deepEqual(parseHostPattern('[::1]'), { host: '[::1]', path: '' });
    assert.deepEqual(parseHostPattern('::1'), { host: '[::1]', path: '' });
    assert.deepEqual(parseHostPattern('::1/docs'), { host: '[::1]', path: '/docs' });
    assert.deepEqual(parseHostPattern('[2001:DB8::1]'), { host: '[2001:db8::1]', path: '' });
  });

  it('turns an internationalised name into punycode', () => {
    assert.deepEqual(parseHostPattern('bücher.de'), { host: 'xn--bcher-kva.de', path: '' });
    assert.equal(parseHostPattern('bücher.de').host, new URL('https://bücher.de/').hostname);
  });

  it('rejects an empty host', () => {
    assertRejects(() => parseHostPattern(''), 'hosts', /empty/);
    assertRejects(() => parseHostPattern('   '), 'hosts', /empty/);
  });

  it('tells you to leave out a scheme', () => {
    assertRejects(() => parseHostPattern('https://x.com'), 'hosts', /leave out "https:\/\/"/);
    assertRejects(() => parseHostPattern('http://x.com/a'), 'hosts', /scheme/);
  });

  it('tells you hosts match on every port', () => {
    assertRejects(() => parseHostPattern('x.com:8080'), 'hosts', /port.*every port/);
    assertRejects(() => parseHostPattern('localhost:3000/app'), 'hosts', /port/);
    assertRejects(() => parseHostPattern('[::1]:80'), 'hosts', /port/);
  });

  it('rejects a query or fragment', () => {
    assertRejects(() => parseHostPattern('x.com/?page=1'), 'hosts', /query or fragment/);
    assertRejects(() => parseHostPattern('x.com#top'), 'hosts', /query or fragment/);
  });

  it('rejects spaces, naming the field and the value', () => {
    assertRejects(
      () => parseHostPattern('exa mple.com', 'hosts[1]'),
      'hosts',
      /^hosts\[1\] "exa mple\.com" is not a host name/,
    );
    assertRejects(() => parseHostPattern('x.com/a b'), 'hosts', /space/);
  });

  it('rejects wildcards', () => {
    assertRejects(() => parseHostPattern('*.example.com'), 'hosts', /wildcard/);
    assertRejects(() => parseHostPattern('example.com/*'), 'hosts', /wildcard/);
  });

  it('rejects labels over 63 characters and names over 253', () => {
    assert.doesNotThrow(() => parseHostPattern(`${'a'.repeat(63)}.com`));
    assertRejects(() => parseHostPattern(`${'a'.repeat(64)}.com`), 'hosts', /label is longer than 63/);
    const long = Array.from({ length: 5 }, () => 'a'.repeat(50)).join('.'); // 254 characters
    assertRejects(() => parseHostPattern(long), 'hosts', /longer than 253/);
    assert.doesNotThrow(() => parseHostPattern(long.slice(1)));
  });

  it('rejects "." and ".." path segments and empty ones inside a path', () => {
    assertRejects(() => parseHostPattern('x.com/../admin'), 'hosts', /"\.\."/);
    assertRejects(() => parseHostPattern('x.com/a/./b'), 'hosts', /"\."/);
    assertRejects(() => parseHostPattern('x.com/a/%2E%2e/b'), 'hosts', /"\.\."/);
    assertRejects(() => parseHostPattern('x.com/a/..'), 'hosts', /"\.\."/);
    assertRejects(() => parseHostPattern('x.com/a//b'), 'hosts', /empty path segment/);
  });

  it('rejects what only looks like a host', () => {
    for (const bad of [
      'a..b',
      '.x.com',
      'user@x.com',
      'x.com\\admin',
      'xn--zz.com',
      '1.2.3.4.5',
      '[::1',
      '[::1]x',
      'x<y.com',
    ]) {
      assertRejects(() => parseHostPattern(bad), 'hosts', /is not a host name/);
    }
  });

  it('round-trips through formatHostPattern', () => {
    assert.equal(formatHostPattern(parseHostPattern('bio.re/alice/')), 'bio.re/alice');
    assert.equal(formatHostPattern(parseHostPattern('[::1]/x')), '[::1]/x');
    fc.assert(
      fc.property(anyHostPattern, (pattern) => {
        assert.deepEqual(parseHostPattern(formatHostPattern(pattern)), pattern);
      }),
    );
  });
});

describe('parseHostPatterns', () => {
  it('names each host by its index', () => {
    assertRejects(
      () => parseHostPatterns(['example.com', 'exa mple.com']),
      'hosts',
      /^hosts\[1\] "exa mple.com"/,
    );
  });

  it('rejects an empty list and a host listed twice', () => {
    assertRejects(() => parseHostPatterns([]), 'hosts', /at least one/);
    assertRejects(() => parseHostPatterns(['Example.com', 'example.com.']), 'hosts', /hosts\[1\].*twice/);
  });

  it('keeps the order given, since the first host is the main one', () => {
    assert.deepEqual(parseHostPatterns(['www.x.com', 'x.com']).map(formatHostPattern), [
      'www.x.com',
      'x.com',
    ]);
  });
});

describe('parseSiteId', () => {
  it('accepts letters, digits, ".", "_" and "-", lowercased', () => {
    assert.equal(parseSiteId('Blog'), 'blog');
    assert.equal(parseSiteId('bio.re-alice_2'), 'bio.re-alice_2');
    assert.equal(parseSiteId('a'), 'a');
    assert.equal(parseSiteId('x'.repeat(100)), 'x'.repeat(100));
  });

  it('rejects ids that are empty, too long, or begin or end with punctuation', () => {
    for (const bad of ['', '-blog', 'blog.', '_x', 'my blog', 'blog/alice', 'café', 'x'.repeat(101)]) {
      assertRejects(() => parseSiteId(bad), 'id', /^id /);
    }
  });
});

describe('siteIdFor', () => {
  it('derives an id from the main host, a path turned into dashes', () => {
    assert.equal(siteIdFor(parseHostPattern('example.com')), 'example.com');
    assert.equal(siteIdFor(parseHostPattern('bio.re/alice')), 'bio.re-alice');
    assert.equal(siteIdFor(parseHostPattern('bio.re/Alice/Links')), 'bio.re-alice-links');
    assert.equal(siteIdFor(parseHostPattern('localhost')), 'localhost');
    assert.equal(siteIdFor(parseHostPattern('[::1]')), '1');
    assert.equal(siteIdFor(parseHostPattern('bücher.de/café')), 'xn--bcher-kva.de-caf-c3-a9');
  });

  it('always gives a valid id', () => {
    fc.assert(
      fc.property(anyHostPattern, (pattern) => {
        const id = siteIdFor(pattern);
        assert.equal(parseSiteId(id), id);
      }),
    );
    const long = parseHostPattern(`${'a'.repeat(60)}.${'b'.repeat(60)}.com/${'-'.repeat(40)}c`);
    assert.equal(parseSiteId(siteIdFor(long)), siteIdFor(long));
  });
});

describe('parseTimeZone', () => {
  it('accepts IANA names, spelt as Intl spells them', () => {
    assert.equal(parseTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(parseTimeZone('europe/berlin'), 'Europe/Berlin');
    assert.equal(parseTimeZone('AMERICA/NORTH_DAKOTA/NEW_SALEM'), 'America/North_Dakota/New_Salem');
    assert.equal(parseTimeZone('UTC'), 'UTC');
    assert.equal(parseTimeZone('utc'), 'UTC');
    assert.equal(parseTimeZone('Etc/UTC'), 'UTC');
  });

  it('accepts older names as the zone they stand for', () => {
    // Which spelling comes back depends on Node's ICU (Asia/Calcutta on Node 20), so compare zones.
    const canonical = (tz: string) =>
      new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
    assert.equal(canonical(parseTimeZone('Asia/Kolkata')), canonical('Asia/Kolkata'));
    assert.equal(parseTimeZone('US/Pacific'), 'America/Los_Angeles');
    assert.equal(
      canonical(parseTimeZone('america/argentina/buenos_aires')),
      canonical('America/Argentina/Buenos_Aires'),
    );
  });

  it('rejects offsets, saying they do not follow daylight saving', () => {
    for (const offset of ['+02:00', '-0500', 'UTC+2', 'GMT-03:00', 'Etc/GMT+2', '\u221205:00']) {
      assertRejects(() => parseTimeZone(offset), 'timeZone', /daylight-saving/);
    }
  });

  it('rejects names no zone has', () => {
    for (const bad of ['', 'Mars/Olympus_Mons', 'Berlin', 'CEST', 'Europe/Berlin/']) {
      assertRejects(() => parseTimeZone(bad), 'timeZone', /not an IANA time zone/);
    }
  });

  it('accepts every zone Intl lists, unchanged', () => {
    for (const tz of Intl.supportedValuesOf('timeZone')) assert.equal(parseTimeZone(tz), tz);
  });
});

describe('parseOrigin', () => {
  it('gives scheme, host and port as a browser sends them in Origin', () => {
    assert.equal(parseOrigin('https://Example.com'), 'https://example.com');
    assert.equal(parseOrigin('https://example.com/'), 'https://example.com');
    assert.equal(parseOrigin('http://localhost:3000'), 'http://localhost:3000');
    assert.equal(parseOrigin('https://example.com:443'), 'https://example.com');
    assert.equal(parseOrigin('https://bücher.de'), 'https://xn--bcher-kva.de');
    assert.equal(parseOrigin('http://[::1]:8080'), 'http://[::1]:8080');
  });

  it('rejects what is not an http(s) origin', () => {
    assertRejects(() => parseOrigin('example.com'), 'origins', /write it as https:\/\/example.com/);
    assertRejects(() => parseOrigin('ftp://example.com'), 'origins', /not an origin/);
    assertRejects(() => parseOrigin('null'), 'origins', /not an origin/);
    assertRejects(() => parseOrigin('https://example.com/blog'), 'origins', /has a path/);
    assertRejects(() => parseOrigin('https://example.com?x=1'), 'origins', /has a path/);
    assertRejects(() => parseOrigin('https://example.com#'), 'origins', /has a path/);
    assertRejects(() => parseOrigin('https://*.example.com'), 'origins', /wildcard/);
    assertRejects(() => parseOrigin('https://me@example.com'), 'origins', /user name/);
  });

  it('names an origin in a list by its index, and drops repeats', () => {
    assertRejects(() => parseOrigins(['https://a.com', 'a.com']), 'origins', /^origins\[1\] "a.com"/);
    assert.deepEqual(parseOrigins(['https://a.com', 'https://A.com/']), ['https://a.com']);
  });
});

describe('defaultOrigins', () => {
  it('serves each host over https, sorted, once', () => {
    const hosts = parseHostPatterns(['www.example.com', 'example.com', 'example.com/blog', 'bio.re/alice']);
    assert.deepEqual(defaultOrigins(hosts), [
      'https://bio.re',
      'https://example.com',
      'https://www.example.com',
    ]);
  });

  it('adds http for loopback hosts, which are served without TLS in development', () => {
    const hosts = parseHostPatterns(['localhost', '127.0.0.1', '::1']);
    assert.deepEqual(defaultOrigins(hosts), [
      'http://127.0.0.1',
      'http://[::1]',
      'http://localhost',
      'https://127.0.0.1',
      'https://[::1]',
      'https://localhost',
    ]);
  });

  it('gives origins parseOrigin accepts unchanged', () => {
    fc.assert(
      fc.property(fc.array(anyHostPattern), (hosts) => {
        for (const origin of defaultOrigins(hosts)) assert.equal(parseOrigin(origin), origin);
      }),
    );
  });
});
