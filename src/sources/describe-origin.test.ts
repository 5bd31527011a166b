import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createOriginDescriber } from './describe-origin.ts';
import {
  DEVICE_CLASSES,
  ORIGIN_LIMITS,
  type Origin,
  type OriginInput,
  SOURCE_CATEGORIES,
} from './origin-types.ts';

const describeOrigin = createOriginDescriber();

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const EMPTY_ORIGIN: Origin = {
  source: null,
  sourceCategory: 'direct',
  referrerHost: null,
  utm: { source: null, medium: null, campaign: null, content: null, term: null },
  device: null,
  browser: null,
  os: null,
  country: null,
  region: null,
};

function input(overrides: Partial<OriginInput> = {}): OriginInput {
  return {
    url: 'https://example.com/posts/engaged-time',
    referrer: null,
    siteHosts: ['example.com'],
    userAgent: null,
    clientAddress: null,
    ...overrides,
  };
}

describe('describeOrigin', () => {
  it('describes a reader who came from a newsletter link on an iPhone in Germany', () => {
    assert.deepEqual(
      describeOrigin(
        input({
          url: 'https://example.com/posts/engaged-time?utm_source=weekly&utm_medium=email&utm_campaign=2026-12',
          referrer: 'android-app://com.google.android.gm/',
          userAgent: IPHONE,
          clientAddress: '129.187.255.1',
        }),
      ),
      {
        source: 'weekly',
        sourceCategory: 'email',
        referrerHost: 'com.google.android.gm',
        utm: { source: 'weekly', medium: 'email', campaign: '2026-12', content: null, term: null },
        device: 'mobile',
        browser: 'Safari',
        os: 'iOS',
        country: 'DE',
        region: null,
      },
    );
  });

  it('describes a reader from a search engine on Brave, named by its client hints', () => {
    const origin = describeOrigin(
      input({
        referrer: 'https://duckduckgo.com/',
        userAgent: CHROME_WINDOWS,
        clientHints: {
          secChUa: '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
          secChUaMobile: '?0',
          secChUaPlatform: '"Windows"',
        },
        clientAddress: '2001:6b0:e:2018::1',
      }),
    );
    assert.deepEqual(
      [origin.source, origin.sourceCategory, origin.device, origin.browser, origin.os, origin.country],
      ['DuckDuckGo', 'search', 'desktop', 'Brave', 'Windows', 'SE'],
    );
  });

  it('keys what it remembers of a User-Agent by its client hints too', () => {
    const brave = { secChUa: '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"' };
    const describeFresh = createOriginDescriber({ geo: false });
    assert.equal(describeFresh(input({ userAgent: CHROME_WINDOWS })).browser, 'Chrome');
    assert.equal(describeFresh(input({ userAgent: CHROME_WINDOWS, clientHints: brave })).browser, 'Brave');
    assert.equal(describeFresh(input({ userAgent: CHROME_WINDOWS })).browser, 'Chrome');
  });

  it('describes a visit from within the site as direct', () => {
    const origin = describeOrigin(input({ referrer: 'https://www.example.com/', userAgent: CHROME_WINDOWS }));
    assert.equal(origin.sourceCategory, 'direct');
    assert.equal(origin.referrerHost, null);
  });

  it('looks up no country with geo off (DWELL_GEO=off)', () => {
    const withoutGeo = createOriginDescriber({ geo: false });
    assert.equal(withoutGeo(input({ clientAddress: '8.8.8.8' })).country, null);
    assert.equal(describeOrigin(input({ clientAddress: '8.8.8.8' })).country, 'US');
  });

  it('opens another database when given one, and fails at once when it is missing', () => {
    assert.throws(
      () => createOriginDescriber({ geo: { databasePath: '/nonexistent.mmdb' } }),
      /DWELL_GEO=off/,
    );
  });

  it('leaves every field empty for input that is missing or malformed, without throwing', () => {
    const bad = {
      url: 'not a url',
      referrer: 'javascript:alert(1)',
      siteHosts: 'example.com',
      userAgent: 42,
      clientHints: { secChUa: '"', secChUaMobile: '?2', secChUaPlatform: 7 },
      clientAddress: '192.168.0.10',
    } as unknown as OriginInput;
    assert.deepEqual(describeOrigin(bad), EMPTY_ORIGIN);
    assert.deepEqual(describeOrigin(input({ url: null, siteHosts: [] })), EMPTY_ORIGIN);
    assert.deepEqual(describeOrigin({} as OriginInput), EMPTY_ORIGIN);
    const twice = { secChUa: ['"Brave";v="1"', '"Opera";v="2"'], secChUaMobile: ['?1', '?1'] };
    assert.deepEqual(
      describeOrigin(input({ userAgent: [CHROME_WINDOWS, CHROME_WINDOWS], clientHints: twice })),
      EMPTY_ORIGIN,
    );
  });

  it('cuts every field of oversized input to its documented limit', () => {
    // Five 1,500-character tags still fit the 8,192 characters of a URL that are read.
    const long = 'x'.repeat(1_500);
    const origin = describeOrigin(
      input({
        url: `https://example.com/?utm_source=${long}&utm_medium=${long}&utm_campaign=${long}&utm_content=${long}&utm_term=${long}`,
        referrer: `https://${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.com/`,
        userAgent: `Mozilla/5.0 (${'x'.repeat(10_000)}`,
        clientHints: { secChUa: `"${'B'.repeat(400)}";v="1"`, secChUaPlatform: `"${'P'.repeat(400)}"` },
      }),
    );
    assert.equal(origin.source?.length, ORIGIN_LIMITS.source);
    for (const value of Object.values(origin.utm)) assert.equal(value?.length, ORIGIN_LIMITS.utm);
    assert.equal(origin.referrerHost?.length, ORIGIN_LIMITS.referrerHost);
    assert.equal(origin.browser?.length, ORIGIN_LIMITS.browser);
    assert.equal(origin.os?.length, ORIGIN_LIMITS.os);
  });

  it('reads only the first 8,192 characters of a longer URL', () => {
    const url = `https://example.com/?utm_source=early&padding=${'p'.repeat(10_000)}&utm_medium=late`;
    assert.deepEqual(
      [describeOrigin(input({ url })).utm.source, describeOrigin(input({ url })).utm.medium],
      ['early', null],
    );
  });

  it('never throws and never returns a value over its limit, whatever the input (property)', () => {
    const text = fc.oneof(
      fc.constantFrom(
        null,
        undefined,
        '',
        'https://t.co/',
        'android-app://com.reddit.frontpage/',
        '::ffff:8.8.8.8',
      ),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.webUrl({ withQueryParameters: true }).map((url) => `${url}&utm_source=${url}&ref=x`),
    );
    fc.assert(
      fc.property(
        fc.record({
          url: text,
          referrer: text,
          siteHosts: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }),
          userAgent: text,
          clientHints: fc.record({ secChUa: text, secChUaMobile: text, secChUaPlatform: text }),
          clientAddress: fc.oneof(text, fc.ipV4(), fc.ipV6()),
        }),
        (arbitrary) => {
          const origin = describeOrigin(arbitrary as OriginInput);
          assert.ok(SOURCE_CATEGORIES.includes(origin.sourceCategory));
          assert.ok(origin.device === null || DEVICE_CLASSES.includes(origin.device));
          assert.ok((origin.source?.length ?? 0) <= ORIGIN_LIMITS.source);
          assert.ok((origin.referrerHost?.length ?? 0) <= ORIGIN_LIMITS.referrerHost);
          for (const value of Object.values(origin.utm)) assert.ok((value?.length ?? 0) <= ORIGIN_LIMITS.utm);
          assert.ok((origin.browser?.length ?? 0) <= ORIGIN_LIMITS.browser);
          assert.ok((origin.os?.length ?? 0) <= ORIGIN_LIMITS.os);
          assert.ok(origin.country === null || /^[A-Z]{2}$/.test(origin.country));
        },
      ),
      { numRuns: 300 },
    );
  });
});
