// The confidential folder (DWELL_GATE_DIR) under DWELL_GATE_PATH: served by @fastify/static only
// with a valid access cookie, else 303 to the email form; every HTML page gets the tracker.
// Each site may have a folder of its own (issue #23): DWELL_GATE_SITES_DIR/<site id>/, chosen by
// the host the page is asked on; a site without one (and every site without that variable) serves
// DWELL_GATE_DIR.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { GateContext } from './context.ts';
import { siteOrigin } from './context.ts';
import { gateSite } from './grant-access.ts';
import { bouncePage } from './pages.ts';

const TRACKER_TAG = '<script src="/dwell.js" defer></script>';

export const contentRoutes: FastifyPluginAsync<{ ctx: GateContext; dir: string }> = async (
  app,
  { ctx, dir },
) => {
  const { config, store } = ctx;

  app.addHook('onRequest', async (request, reply) => {
    if (await ctx.cookies.verify(request, store, await store.now())) return;
    reply.header('cache-control', 'no-store');
    // From another site (a link in webmail) the SameSite=Strict cookies stay home: re-request the
    // page from our own origin once before concluding there is no access.
    if (request.headers['sec-fetch-site'] === 'cross-site' && request.method === 'GET') {
      return reply.type('text/html; charset=utf-8').send(bouncePage(request.url));
    }
    return reply.redirect(`/access?next=${encodeURIComponent(request.url)}`, 303);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-robots-tag', 'noindex, nofollow');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode !== 200 || !type.startsWith('text/html') || payload === null) return payload;
    return withTracker(await readText(payload));
  });

  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    decorateReply: true,
  });
  const sitesDir = config.gate.sitesDir;
  app.get(`${config.gate.path}*`, { schema: { hide: true } }, async (request, reply) => {
    const site = await gateSite(request, `${siteOrigin(config, request)}${request.url}`);
    const own = sitesDir ? join(sitesDir, site.id) : null;
    const root = own && existsSync(own) ? own : dir;
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]!.slice(config.gate.path.length));
    } catch {
      return reply.code(404).send();
    }
    return reply.sendFile(path, root, {
      index: ['index.html'],
      dotfiles: 'ignore',
      // Confidential: no shared caches, no stale copies after revocation, no partial HTML.
      cacheControl: false,
      etag: false,
      lastModified: false,
      acceptRanges: false,
    });
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith(config.gate.path)) reply.header('cache-control', 'private, no-store');
    return payload;
  });
};

/**
 * Adds the tracker before </head> (else </body>, else at the end), unless the page has it already
 * or opts out with `<meta name="dwell-tracker" content="off">` (a page that beats on its own).
 */
export function withTracker(html: string): string {
  if (/<script\b[^>]*\bsrc=["'][^"']*\/dwell(?:\.[0-9a-f]+)?\.js["']/i.test(html)) return html;
  if (/<meta\s+name=["']dwell-tracker["']\s+content=["']off["']/i.test(html)) return html;
  for (const close of [/<\/head>/i, /<\/body>/i]) {
    const match = close.exec(html);
    if (match) return `${html.slice(0, match.index)}${TRACKER_TAG}\n${html.slice(match.index)}`;
  }
  return `${html}\n${TRACKER_TAG}\n`;
}

async function readText(payload: unknown): Promise<string> {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of payload as Readable)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
