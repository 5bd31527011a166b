// The demo data of `dwell demo` and `npm run bench:query` (issue #24): sessions that come from the
// places, campaigns, devices and countries a real site's do, the same for the same seed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateSessions } from '../../src/demo/generate.ts';
import { createOriginDescriber } from '../../src/sources/index.ts';
import type { ImportedSession } from '../../src/store/query-types.ts';

const FROM = Date.UTC(2026, 9, 1);
const demo = (seed: number) => [
  ...generateSessions({ count: 5_000, from: FROM, to: FROM + 30 * 86_400_000, seed }),
];

function counts(sessions: ImportedSession[], value: (s: ImportedSession) => string | null | undefined) {
  const byValue = new Map<string | null, number>();
  for (const s of sessions) {
    const v = value(s) ?? null;
    byValue.set(v, (byValue.get(v) ?? 0) + 1);
  }
  return byValue;
}

describe('demo data: origins', () => {
  const sessions = demo(24);

  it('gives every session an origin, the same for the same seed', () => {
    assert.ok(sessions.every((s) => s.origin !== undefined));
    const origins = (list: ImportedSession[]) => list.map((s) => s.origin);
    assert.deepEqual(origins(demo(24)), origins(sessions));
    assert.notDeepEqual(origins(demo(25)), origins(sessions));
  });

  it('comes from search, social, email, AI assistants, ads, other sites and nowhere', () => {
    const categories = counts(sessions, (s) => s.origin?.sourceCategory);
    for (const category of ['search', 'social', 'email', 'ai', 'paid', 'other-site', 'direct']) {
      assert.ok((categories.get(category) ?? 0) > 0, category);
    }
    const sources = counts(sessions, (s) => s.origin?.source);
    for (const source of [
      'Google',
      'Hacker News',
      'DuckDuckGo',
      'LinkedIn',
      'GitHub',
      'ChatGPT',
      'newsletter',
    ]) {
      assert.ok((sources.get(source) ?? 0) > 0, source);
    }
    // Google and direct lead, as on most sites; no one source is everything.
    const ranked = [...sources].sort((a, b) => b[1] - a[1]);
    assert.deepEqual(new Set(ranked.slice(0, 2).map(([s]) => s)), new Set([null, 'Google']));
    assert.ok(ranked[0]![1] < sessions.length * 0.35);
  });

  it('has a newsletter and a launch campaign, the launch from several sources', () => {
    const campaigns = counts(sessions, (s) => s.origin?.utm.campaign);
    assert.ok((campaigns.get('weekly-digest') ?? 0) > 50);
    assert.ok((campaigns.get('launch-2026') ?? 0) > 50);
    const launch = sessions.filter((s) => s.origin?.utm.campaign === 'launch-2026');
    assert.ok(new Set(launch.map((s) => s.origin?.utm.source)).size >= 3);
    // The entry URL keeps the tags; the pages do not, so they do not split by campaign.
    const tagged = sessions.find((s) => s.origin?.utm.campaign === 'weekly-digest')!;
    assert.match(
      tagged.entryUrl ?? '',
      /\?utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest/,
    );
    assert.ok(tagged.pages.every((p) => !p.url.includes('?')));
  });

  it('is what the real describer makes of its referrer and entry URL', () => {
    const describe = createOriginDescriber({ geo: false });
    for (const s of sessions.slice(0, 500)) {
      const described = describe({
        url: s.entryUrl,
        referrer: s.referrer,
        siteHosts: [],
        userAgent: '',
        clientAddress: null,
      });
      assert.equal(s.origin?.source, described.source);
      assert.equal(s.origin?.sourceCategory, described.sourceCategory);
      assert.equal(s.origin?.referrerHost, described.referrerHost);
      assert.deepEqual(s.origin?.utm, described.utm);
      assert.equal(s.origin?.entryPath, new URL(s.entryUrl!).pathname);
    }
  });

  it('is read on desktops, phones and tablets, in several browsers, from many countries', () => {
    const devices = counts(sessions, (s) => s.origin?.device);
    for (const device of ['desktop', 'mobile', 'tablet']) assert.ok((devices.get(device) ?? 0) > 0, device);
    assert.ok((devices.get('desktop') ?? 0) > (devices.get('mobile') ?? 0));
    const browsers = counts(sessions, (s) => s.origin?.browser);
    for (const browser of ['Chrome', 'Safari', 'Firefox', 'Microsoft Edge'])
      assert.ok(browsers.has(browser), browser);
    const systems = counts(sessions, (s) => s.origin?.os);
    for (const os of ['Windows', 'macOS', 'iOS', 'Android', 'Linux']) assert.ok(systems.has(os), os);
    const countries = counts(sessions, (s) => s.origin?.country);
    for (const country of ['US', 'DE', 'GB', 'FR', 'IN', 'BR']) assert.ok(countries.has(country), country);
    assert.ok(countries.size >= 12);
  });

  it('keeps a returning reader in one country', () => {
    const countryOf = new Map<string, string | null>();
    for (const s of sessions) {
      const country = s.origin?.country ?? null;
      const seen = countryOf.get(s.visitorId!);
      if (seen === undefined) countryOf.set(s.visitorId!, country);
      else assert.equal(country, seen, s.visitorId!);
    }
    assert.ok(countryOf.size < sessions.length / 2, 'readers return');
  });
});
