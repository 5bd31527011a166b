// Hostile input: 10,000 generated requests — methods, paths, ids, headers, query strings and bodies
// (JSON, text/plain, form, binary, deep nesting, huge numbers, unicode) — against the real app on a
// real SQLite file. Zero 5xx, zero crashes, every API answer in the envelope, memory flat.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { buildTestApp } from '../helper.ts';
import { browser, startSession } from '../ingest/ingest-helpers.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const arbId = (known: string) =>
  fc.oneof(
    fc.constant(known),
    fc.uuid(),
    fc.string({ maxLength: 300 }),
    fc.constantFrom('', '..', '%00', '%2e%2e%2f', 'ses-uuid', '😀'),
  );

const arbPath = (known: string) =>
  fc.oneof(
    arbId(known).map((id) => `/api/v1/analytics/session/${encodeURIComponent(id)}/heartbeat`),
    fc.constantFrom(
      '/api/v1/analytics/session',
      '/api/session-heartbeat',
      '/api/verify-temp-access',
      '/api/v1/analytics/sessions',
      '/api/v1/analytics/stats',
      '/api/v1/analytics/visitors',
      '/api/v1/analytics/export',
      '/confidential/',
      '/access',
      '/dwell.js',
      '/healthz',
      '/readyz',
      '/metrics',
      '/docs/json',
      '/',
    ),
    fc.webPath(),
  );

const deep = (depth: number): string => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;

const arbBody = fc.oneof(
  fc.json().map((json) => ({ type: 'application/json', payload: json })),
  fc.json().map((json) => ({ type: 'text/plain;charset=UTF-8', payload: json })),
  fc
    .record(
      {
        token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        seq: fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(String), fc.constant(1e308)),
        engagedMs: fc.oneof(
          fc.integer(),
          fc.double(),
          fc.constant(-0),
          fc.constant(Number.MAX_SAFE_INTEGER * 4),
        ),
        url: fc.oneof(fc.webUrl(), fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 3_000 })),
        scroll: fc.oneof(fc.double(), fc.integer()),
        final: fc.oneof(fc.boolean(), fc.string()),
        email: fc.oneof(fc.emailAddress(), fc.string()),
        next: fc.oneof(fc.webPath(), fc.constantFrom('//evil.test', 'https://evil.test', '/\\evil.test')),
      },
      { requiredKeys: [] },
    )
    .map((body) => ({ type: 'text/plain', payload: JSON.stringify(body) })),
  fc.string({ unit: 'binary' }).map((text) => ({ type: 'text/plain', payload: text })),
  fc
    .uint8Array({ maxLength: 2_000 })
    .map((bytes) => ({ type: 'application/octet-stream', payload: Buffer.from(bytes) })),
  fc.string().map((text) => ({
    type: 'application/x-www-form-urlencoded',
    payload: `email=${encodeURIComponent(text)}&next=${text}`,
  })),
  fc.integer({ min: 10, max: 5_000 }).map((depth) => ({ type: 'application/json', payload: deep(depth) })),
  fc.constant({ type: 'application/json', payload: 'x'.repeat(100_000) }),
  fc.constant(null),
);

const arbHeaders = fc.record(
  {
    'user-agent': fc.oneof(fc.constant(browser['user-agent']), fc.string({ maxLength: 500 })),
    authorization: fc.oneof(fc.string({ maxLength: 200 }), fc.constant('Bearer x')),
    cookie: fc.string({ maxLength: 500 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    'x-forwarded-for': fc.ipV4(),
    'sec-gpc': fc.constantFrom('1', '0', 'yes'),
    origin: fc.oneof(
      fc.webUrl(),
      fc.string({ maxLength: 50 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    ),
    'if-none-match': fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  },
  { requiredKeys: [] },
);

describe('hostile input', () => {
  it(`survives ${RUNS.toLocaleString('en')} generated requests with zero 5xx and flat memory`, async () => {
    const t = await buildTestApp({ DWELL_RATE_LIMIT: 'off' });
    try {
      const { id } = await startSession(t.app);
      const statuses = new Map<number, number>();
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
          arbPath(id),
          fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 50 }), { maxKeys: 4 }),
          arbHeaders,
          arbBody,
          async (method, path, query, headers, body) => {
            const response = await t.app.inject({
              method: method as 'GET',
              url: path.startsWith('/') ? path : `/${path}`,
              query,
              headers: { ...headers, ...(body ? { 'content-type': body.type } : {}) },
              ...(body && method !== 'GET' && method !== 'HEAD' ? { payload: body.payload } : {}),
            });
            statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
            assert.ok(
              response.statusCode < 500,
              `${method} ${path} → ${response.statusCode} ${response.body.slice(0, 300)}`,
            );
            if (response.statusCode >= 400 && method !== 'HEAD' && /^\/api\//.test(path)) {
              const parsed = response.json() as {
                success: boolean;
                error: { code: string; message: string };
              };
              assert.equal(parsed.success, false);
              assert.match(parsed.error.code, /^[A-Z_]+$/);
            }
          },
        ),
        { numRuns: RUNS },
      );
      gc();
      const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1_048_576;
      process.stdout.write(
        `fuzz: ${RUNS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, heap growth ${growthMb.toFixed(1)} MB\n`,
      );
      assert.ok(growthMb < 50, `heap grew ${growthMb.toFixed(1)} MB`);
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200, 'still up');
    } finally {
      await t.close();
    }
  });
});
