// The email gate per site (issue #23): a site's gated pages come from its own folder
// (DWELL_GATE_SITES_DIR/<site id>, else DWELL_GATE_DIR), its allow-list replaces DWELL_GATE_ALLOW,
// and its viewers are its own: "who viewed what" of one site never lists another's.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, type TestApp } from '../helper.ts';
import { buildGateApp, cookieHeader } from './gate-helper.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('the gate per site', () => {
  let t: TestApp;
  before(async () => {
    const sites = mkdtempSync(join(tmpdir(), 'dwell-gate-sites-'));
    mkdirSync(join(sites, 'other.test'));
    writeFileSync(
      join(sites, 'other.test', 'index.html'),
      '<html><head></head><body>Other deck</body></html>',
    );
    t = await buildGateApp({
      DWELL_GATE_ALLOW: 'boss@acme.com',
      DWELL_GATE_SITES_DIR: sites,
      DWELL_RATE_LIMIT: 'off',
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ hosts: ['other.test'], gate: { allow: ['@other.test'] } }),
    });
    assert.equal(created.statusCode, 201);
  });
  after(() => t.close());

  const enter = (host: string, email: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email, next: '/confidential/' }).toString(),
    });

  it("lets in whom the page's site allows, and serves that site's own folder", async () => {
    assert.equal(
      (await enter('localhost', 'ana@other.test')).statusCode,
      403,
      'not on the default allow-list',
    );
    assert.equal((await enter('other.test', 'boss@acme.com')).statusCode, 403, "not on other.test's");
    const inside = await enter('other.test', 'ana@other.test');
    assert.equal(inside.statusCode, 303);
    const page = await t.app.inject({
      url: '/confidential/',
      headers: { host: 'other.test', cookie: cookieHeader(inside) },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Other deck/);
    const boss = await enter('localhost', 'boss@acme.com');
    const home = await t.app.inject({
      url: '/confidential/',
      headers: { host: 'localhost', cookie: cookieHeader(boss) },
    });
    assert.match(home.body, /Q3 plan/, 'the default site keeps DWELL_GATE_DIR');
    const traversal = await t.app.inject({
      url: '/confidential/..%2f..%2fetc%2fpasswd',
      headers: { host: 'other.test', cookie: cookieHeader(inside) },
    });
    assert.notEqual(traversal.statusCode, 200);
  });

  it("lists each site's viewers only", async () => {
    const viewers = async (site: string) => {
      const answer = await t.app.inject({ url: `/api/v1/analytics/sessions?site=${site}`, headers: admin });
      return (answer.json() as { data: { items: { email: string | null }[] } }).data.items.map(
        (s) => s.email,
      );
    };
    assert.deepEqual(await viewers('other.test'), ['ana@other.test']);
    assert.deepEqual(await viewers('site.test'), ['boss@acme.com']);
  });
});
