// Serves the built tracker: `/dwell.js` with an ETag and a short cache (so an update reaches sites
// within the hour), and `/dwell.<hash>.js` with a year-long immutable cache for pages that pin a
// version. Files are read once at start: the hot path never touches the disk.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface Asset {
  body: Buffer;
  etag: string;
  hash: string;
  type: string;
}

export function loadAsset(path: string, type: string): Asset | null {
  if (!existsSync(path)) return null;
  const body = readFileSync(path);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { body, etag: `"${hash}"`, hash, type };
}

export function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) {
  reply.header('etag', asset.etag).header('cache-control', cacheControl).type(asset.type);
  reply.header('cross-origin-resource-policy', 'cross-origin');
  // Modules load in CORS mode: a page may import dwell.esm.js from the Dwell server's origin.
  reply.header('access-control-allow-origin', '*');
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.send(asset.body);
}

export const assetRoutes: FastifyPluginAsync<{ publicDir: string }> = async (app, { publicDir }) => {
  const scripts: Record<string, Asset | null> = {
    'dwell.js': loadAsset(join(publicDir, 'dwell.js'), 'application/javascript; charset=utf-8'),
    'dwell.esm.js': loadAsset(join(publicDir, 'dwell.esm.js'), 'application/javascript; charset=utf-8'),
    // The sections add-on, loaded by dwell.js on pages that mark data-dwell-section (issue #17).
    'dwell-sections.js': loadAsset(
      join(publicDir, 'dwell-sections.js'),
      'application/javascript; charset=utf-8',
    ),
  };
  const missing = Object.entries(scripts).filter(([, asset]) => !asset);
  if (missing.length > 0) {
    app.log.warn(`tracker not built (${missing.map(([name]) => name).join(', ')}): run npm run build`);
  }

  for (const [name, asset] of Object.entries(scripts)) {
    if (!asset) continue;
    app.get(`/${name}`, { schema: { hide: true } }, (request, reply) =>
      sendAsset(request, reply, asset, 'public, max-age=3600, must-revalidate'),
    );
    const versioned = name.replace(/\.js$/, `.${asset.hash}.js`);
    app.get(`/${versioned}`, { schema: { hide: true } }, (request, reply) =>
      sendAsset(request, reply, asset, 'public, max-age=31536000, immutable'),
    );
  }
};
