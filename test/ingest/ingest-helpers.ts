// Shortcuts for ingest tests: start a session and beat through app.inject().

import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { BROWSER_UA } from '../helper.ts';

export const browser = { 'user-agent': BROWSER_UA };

export async function startSession(app: FastifyInstance, body: Record<string, unknown> = {}, headers = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/analytics/session',
    headers: { ...browser, ...headers },
    payload: body,
  });
  assert.equal(response.statusCode, 201, response.body);
  const data = response.json().data as { id: string; token: string; interval: number; timeout: number };
  assert.ok(data.id, `session was declined: ${response.body}`);
  return data;
}

export function beat(
  app: FastifyInstance,
  id: string,
  body?: Record<string, unknown>,
  options: { method?: 'PATCH' | 'POST'; contentType?: string; headers?: Record<string, string> } = {},
) {
  const contentType = options.contentType ?? 'text/plain';
  return app.inject({
    method: options.method ?? 'POST',
    url: `/api/v1/analytics/session/${encodeURIComponent(id)}/heartbeat`,
    headers: {
      ...browser,
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...options.headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}
