// The dashboard page's own files (issue #27: the desktop console showed a 404 for the favicon):
// every file the page links answers 200 with its type. Needs `npm run build` (npm test builds).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../helper.ts';

describe('the dashboard page', () => {
  it('links an icon, a script and a stylesheet that each answer 200 with their type', async () => {
    const t = await buildTestApp();
    try {
      const page = await t.app.inject({ url: '/dashboard' });
      assert.equal(page.statusCode, 200);
      const icon = page.body.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)">/)?.[1];
      assert.ok(icon, 'the page links an icon');
      const linked = [
        [icon, 'image/svg+xml'],
        [page.body.match(/<script type="module" src="([^"]+)">/)?.[1], 'application/javascript'],
        [page.body.match(/<link rel="stylesheet" href="([^"]+)">/)?.[1], 'text/css'],
      ] as const;
      for (const [url, type] of linked) {
        assert.ok(url, `the page links a ${type} file`);
        const file = await t.app.inject({ url });
        assert.equal(file.statusCode, 200, url);
        assert.ok(
          String(file.headers['content-type']).startsWith(type),
          `${url}: ${file.headers['content-type']}`,
        );
        assert.match(String(file.headers['cache-control']), /immutable/);
      }
      const svg = await t.app.inject({ url: icon });
      assert.match(svg.body, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    } finally {
      await t.close();
    }
  });
});
