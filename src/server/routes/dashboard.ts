// The web dashboard at /dashboard: one HTML page and the bundle scripts/build.mjs makes from
// src/dashboard/ (dist/public/dashboard.js and .css, and its icon), read once at start and served
// with ETags.
// The page is public; everything it shows comes from the query API with the admin or a site token,
// or, at /share/<secret>, from that shared link's API (routes/share.ts).

import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { DASHBOARD_CSP, securityHeaders } from '../plugins/security-headers.ts';
import { type Asset, loadAsset, sendAsset } from './assets.ts';

function page(js: Asset | null, css: Asset | null, icon: Asset | null): string {
  const script = js
    ? `<script type="module" src="/dashboard/app.${js.hash}.js"></script>`
    : '<p role="alert">The dashboard is not built: run <code>npm run build</code>.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Dwell — engaged time</title>
${icon ? `<link rel="icon" type="image/svg+xml" href="/dashboard/favicon.${icon.hash}.svg">` : ''}
${css ? `<link rel="stylesheet" href="/dashboard/app.${css.hash}.css">` : ''}
</head>
<body>
<div id="app"></div>
${script}
</body>
</html>`;
}

export const dashboardRoutes: FastifyPluginAsync<{ publicDir: string }> = async (app, { publicDir }) => {
  const js = loadAsset(join(publicDir, 'dashboard.js'), 'application/javascript; charset=utf-8');
  const css = loadAsset(join(publicDir, 'dashboard.css'), 'text/css; charset=utf-8');
  const icon = loadAsset(join(publicDir, 'dashboard-favicon.svg'), 'image/svg+xml');
  if (!js) app.log.warn('dashboard not built: run npm run build');
  const html = page(js, css, icon);
  await securityHeaders(app, DASHBOARD_CSP);
  const serve = (_request: Parameters<typeof sendAsset>[0], reply: Parameters<typeof sendAsset>[1]) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  app.get('/dashboard', { schema: { hide: true } }, serve);
  app.get('/dashboard/', { schema: { hide: true } }, serve);
  // A shared link's read-only view (routes/share.ts): the same page, which reads its data from the
  // link's API instead of the query API.
  app.get('/share/:secret', { schema: { hide: true } }, serve);
  const files: [Asset | null, string][] = [
    [js, 'app.{hash}.js'],
    [css, 'app.{hash}.css'],
    [icon, 'favicon.{hash}.svg'],
  ];
  for (const [asset, name] of files) {
    if (!asset) continue;
    app.get(
      `/dashboard/${name.replace('{hash}', asset.hash)}`,
      { schema: { hide: true } },
      (request, reply) => sendAsset(request, reply, asset, 'public, max-age=31536000, immutable'),
    );
  }
};
