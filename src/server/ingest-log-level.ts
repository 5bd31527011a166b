// The log level of the public ingest routes: session starts, tracker beats and the gate's cookie
// beats. At `info` Fastify logs two lines per request ("incoming request", "request completed"):
// on a busy site that is nearly the whole log (about 2.4 kB a beat) and, measured with the store
// taken out, a third of the beat path's CPU. So at the default level these routes log from `warn`
// up (server errors and warnings); refused beats are counted in /metrics by reason instead. At
// `debug` or `trace` they log every request, as every other route does.

import type { LogLevel } from 'fastify';

/** `level` is LOG_LEVEL, a pino level name (pino refuses others when the app starts). */
export function ingestLogLevel(level: string): LogLevel {
  return (level === 'info' ? 'warn' : level) as LogLevel;
}
