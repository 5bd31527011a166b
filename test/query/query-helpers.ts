// Shortcuts for query API tests: admin requests, and sessions made through the real ingest routes.

import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN } from '../helper.ts';
import { beat, startSession } from '../ingest/ingest-helpers.ts';

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

export async function query<T = unknown>(app: FastifyInstance, url: string): Promise<T> {
  const response = await app.inject({ method: 'GET', url, headers: admin });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().data as T;
}

export async function queryError(app: FastifyInstance, url: string, headers: Record<string, string> = admin) {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, code: response.json().error?.code as string | undefined };
}

/** Starts a session and credits it `beats` beats of `stepMs`, advancing the clock between them. */
export async function readFor(
  app: FastifyInstance,
  clock: { advance(ms: number): void },
  options: { url: string; visitorId?: string; beats: number; stepMs?: number; final?: boolean },
) {
  const step = options.stepMs ?? 10_000;
  const { id, token } = await startSession(app, {
    url: options.url,
    ...(options.visitorId ? { visitorId: options.visitorId } : {}),
  });
  for (let seq = 1; seq <= options.beats; seq++) {
    clock.advance(step);
    const response = await beat(app, id, {
      token,
      seq,
      engagedMs: step,
      url: options.url,
      ...(options.final && seq === options.beats ? { final: true } : {}),
    });
    assert.equal(response.statusCode, 200, response.body);
  }
  return id;
}

export interface SessionJson {
  id: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  engagedMs: number;
  visibleMs: number | null;
  duration: number;
  email: string | null;
  visitorId: string | null;
  pages: { url: string; engagedMs: number; visibleMs: number | null; maxScroll: number | null }[];
}
