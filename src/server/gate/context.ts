// What every gate route shares, built once by the gate plugin (index.ts).

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import type { AccessCookies } from './access-cookie.ts';
import type { AttemptLimiter } from './attempt-limiter.ts';
import type { Mailer } from './mailer.ts';
import type { SessionEnds } from './session-ends.ts';
import type { Webhooks } from './webhooks.ts';

export interface GateContext {
  config: Readonly<Config>;
  store: Store;
  cookies: AccessCookies;
  mailer: Mailer;
  webhooks: Webhooks | null;
  sessionEnds: SessionEnds | null;
  /** null when DWELL_RATE_LIMIT=off. */
  limits: { perIp: AttemptLimiter; perEmail: AttemptLimiter } | null;
}

/** This site's origin: DWELL_PUBLIC_URL when set (links in emails must not trust the Host header). */
export function siteOrigin(config: Readonly<Config>, request: FastifyRequest): string {
  return new URL(config.publicUrl ?? `${request.protocol}://${request.host}`).origin;
}

/**
 * CSRF defence for the gate's POSTs, beside SameSite=Strict: a browser's Origin (or, without one,
 * Sec-Fetch-Site) must name this site. Scripts send neither and carry no ambient cookies.
 */
export function checkSameOrigin(config: Readonly<Config>, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw errors.crossOrigin();
    return;
  }
  if (config.publicUrl && origin === new URL(config.publicUrl).origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw errors.crossOrigin();
  }
  if (bareHost(host) !== bareHost(request.host)) throw errors.crossOrigin();
}

/** Host without a default port (URL drops `:80` from an Origin, a Host header may keep it). */
const bareHost = (host: string) => host.toLowerCase().replace(/:(?:80|443)$/, '');

/** The page a seed beat (the blueprint's) comes from: its Referer, when it is this site's. */
export function sameOriginReferer(request: FastifyRequest): string | undefined {
  const referer = request.headers.referer;
  if (!referer || referer.length > 2048) return undefined;
  try {
    const url = new URL(referer);
    return bareHost(url.host) === bareHost(request.host) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The form posts form-encoded and gets HTML back; anything else (JSON scripts) gets JSON. */
export function isFormPost(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/** Our own HTML pages: never cached, never framed, no script. */
export function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(html);
}
