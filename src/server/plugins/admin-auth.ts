// Admin bearer-token check for the query routes (API.md "Query"): an encapsulated preHandler, so
// public routes never see it. Both sides are hashed first, so the comparison is constant-time and
// independent of the token's length.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function isAdminToken(expected: Buffer, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(expected, digest(presented));
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Adds the check to every route registered on `app` (call it inside an encapsulated plugin). */
export function requireAdmin(app: FastifyInstance, adminToken: string): void {
  const expected = digest(adminToken);
  app.addHook('onRequest', async (request) => {
    if (!isAdminToken(expected, bearer(request))) throw errors.unauthorized();
  });
}
