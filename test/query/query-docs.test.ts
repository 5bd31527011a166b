import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../helper.ts';

describe('OpenAPI for the query API', () => {
  it('documents every query route, its admin security, its errors and examples', async () => {
    const t = await buildTestApp();
    try {
      const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
      assert.equal(response.statusCode, 200);
      const spec = response.json() as { paths: Record<string, Record<string, Record<string, unknown>>> };
      for (const path of [
        '/api/v1/analytics/sessions',
        '/api/v1/analytics/sessions/{id}',
        '/api/v1/analytics/visitors',
        '/api/v1/analytics/stats',
        '/api/v1/analytics/live',
        '/api/v1/analytics/export',
      ]) {
        const get = spec.paths[path]?.get;
        assert.ok(get, `${path} is documented`);
        assert.deepEqual(get.security, [{ admin: [] }], path);
        const responses = get.responses as Record<string, unknown>;
        assert.ok(responses['200'] && responses['401'], `${path} documents 200 and 401`);
        assert.match(JSON.stringify(responses['200']), /"example/, `${path} has examples`);
      }
    } finally {
      await t.close();
    }
  });
});
