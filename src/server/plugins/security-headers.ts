// Security headers for Dwell's own HTML (the dashboard and the gate) through @fastify/helmet,
// registered inside those route scopes only: the JSON API, /docs and the demo keep their own.

import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** The dashboard: its own bundle and styles only, talking to its own origin, never framed. */
export const DASHBOARD_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * Confidential pages are the owner's HTML: same-origin scripts and styles (the injected tracker,
 * the blueprint's inline client) are allowed, nothing from elsewhere, and never framed.
 */
export const GATE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-inline'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export async function securityHeaders(
  app: FastifyInstance,
  directives: Record<string, string[]>,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives },
    // The HSTS decision belongs to the TLS terminator in front of Dwell, not to the app.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}
