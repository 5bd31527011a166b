import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../helper.ts';

describe('operations routes', () => {
  it('/healthz says the process is up and /readyz that the store answers', async () => {
    const t = await buildTestApp();
    try {
      assert.deepEqual((await t.app.inject({ url: '/healthz' })).json(), {
        success: true,
        data: { status: 'ok' },
      });
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.equal(ready.json().data.checks.store, 'sqlite');
    } finally {
      await t.close();
    }
  });

  it('/readyz answers 503 UNAVAILABLE when the store cannot be reached', async () => {
    const t = await buildTestApp();
    try {
      await t.store.close();
      const ready = await t.app.inject({ url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().error.code, 'UNAVAILABLE');
      assert.ok(ready.headers['retry-after']);
    } finally {
      await t.app.close();
    }
  });

  it('answers 503 UNAVAILABLE with Retry-After, not 500, when the database fails during a beat', async () => {
    const t = await buildTestApp();
    try {
      const started = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/session',
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36' },
      });
      const { id, token } = started.json().data;
      await t.store.close();
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/v1/analytics/session/${id}/heartbeat`,
        payload: { token, seq: 1 },
      });
      assert.equal(response.statusCode, 503);
      assert.equal(response.json().error.code, 'UNAVAILABLE');
      assert.ok(Number(response.headers['retry-after']) > 0);
    } finally {
      await t.app.close();
    }
  });

  it('serves the OpenAPI document at /docs with every ingest route', async () => {
    const t = await buildTestApp();
    try {
      const doc = (await t.app.inject({ url: '/docs/json' })).json();
      assert.ok(doc.paths['/api/v1/analytics/session'].post);
      assert.ok(doc.paths['/api/v1/analytics/session/{id}/heartbeat'].patch);
      assert.ok(doc.paths['/api/v1/analytics/session/{id}/heartbeat'].post);
      assert.ok(doc.paths['/readyz'].get);
      assert.equal((await t.app.inject({ url: '/docs' })).statusCode < 400, true);
    } finally {
      await t.close();
    }
  });

  it('serves /dwell.js with an ETag, 304 on revalidation, and a versioned immutable copy', async () => {
    const t = await buildTestApp();
    try {
      const first = await t.app.inject({ url: '/dwell.js' });
      assert.equal(first.statusCode, 200, 'npm test builds the tracker first');
      assert.match(String(first.headers['content-type']), /javascript/);
      const etag = String(first.headers.etag);
      assert.match(etag, /^"[0-9a-f]{12}"$/);
      const again = await t.app.inject({ url: '/dwell.js', headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      const versioned = await t.app.inject({ url: `/dwell.${etag.slice(1, -1)}.js` });
      assert.equal(versioned.statusCode, 200);
      assert.match(String(versioned.headers['cache-control']), /immutable/);
      // The sections add-on (issue #17) beside it, for any site's pages.
      const sections = await t.app.inject({ url: '/dwell-sections.js' });
      assert.equal(sections.statusCode, 200);
      assert.match(String(sections.headers['content-type']), /javascript/);
      assert.equal(sections.headers['access-control-allow-origin'], '*');
    } finally {
      await t.close();
    }
  });

  it('answers unknown routes with the 404 envelope and serves the demo page at /', async () => {
    const t = await buildTestApp();
    try {
      const missing = await t.app.inject({ url: '/nope' });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().error.code, 'NOT_FOUND');
      const demo = await t.app.inject({ url: '/' });
      assert.match(demo.body, /<script src="\/dwell\.js"/);
      assert.match(demo.body, /data-dwell-section="try it"/, 'the demo page marks its sections');
    } finally {
      await t.close();
    }
  });
});
