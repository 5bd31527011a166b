// Prometheus metrics (prom-client) on a registry of this app's own, so several apps in one process
// (the tests) never collide. Every refused or dropped beat is counted by reason: nothing is
// dropped silently.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dwell_' });
  return {
    registry,
    beats: new Counter({
      name: 'dwell_beats_total',
      help: 'Beats accepted (appended to the journal), then folded by this instance: by result (accepted, credited, duplicate retry)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    beatsRefused: new Counter({
      name: 'dwell_beats_refused_total',
      help: 'Beats refused or dropped, by API.md error code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    creditedMs: new Counter({
      name: 'dwell_credited_ms_total',
      help: 'Engaged milliseconds credited',
      registers: [registry],
    }),
    sessions: new Counter({
      name: 'dwell_sessions_started_total',
      help: 'Sessions started, by kind (tracker or gate)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    sessionsDeclined: new Counter({
      name: 'dwell_sessions_declined_total',
      help: 'Session starts declined on purpose, by reason (bot, gpc, dnt, ...)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    sessionsRefused: new Counter({
      name: 'dwell_sessions_refused_total',
      help: 'Session starts refused, by API.md error code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    backgroundFoldFailures: new Counter({
      name: 'dwell_background_fold_failures_total',
      help: 'Timed folds of the beat journal that failed (their beats stay journaled for the next fold)',
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'dwell_http_request_duration_seconds',
      help: 'Request latency by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** One request in this many of the busy public routes is timed (dwell_http_request_duration_seconds). */
export const BUSY_ROUTE_SAMPLE = 16;

export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('metrics', createMetrics());
    // One labelled child per method, route and status, looked up by a string key: cheaper on every
    // request than prom-client hashing a label object.
    const latencyByLabels = new Map<string, { observe: (seconds: number) => void }>();
    let busy = 0;
    app.addHook('onResponse', (request, reply, done) => {
      // The busy public routes (beats, session starts: quietLog) time one request in
      // BUSY_ROUTE_SAMPLE: the histogram keeps its shape, and the per-request cost of timing and
      // observing leaves the hot path. Their counts are exact in dwell_beats_total and friends.
      if (request.routeOptions.config?.quietLog && ++busy % BUSY_ROUTE_SAMPLE !== 0) return done();
      const route = request.routeOptions.url ?? 'unmatched';
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = latencyByLabels.get(key);
      if (!child) {
        child = app.metrics.latency.labels(request.method, route, String(reply.statusCode));
        latencyByLabels.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(app.metrics.registry.contentType);
      return app.metrics.registry.metrics();
    });
  },
  { name: 'dwell-metrics' },
);
