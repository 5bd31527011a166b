// Fastify logs two lines per request at `info` ("incoming request", "request completed"). For the
// public ingest routes (session starts, tracker beats, the gate's cookie beats) that is nearly the
// whole log of a busy site (about 2.4 kB a beat) and, measured with the store taken out, a third
// of the beat path's CPU. So routes whose config says `quietLog: true` skip those two lines unless
// LOG_LEVEL is debug or trace; their errors are still logged by the errors plugin, and refused
// beats are counted in /metrics by reason. (A per-route logLevel does the same, but then pino
// builds every request a child logger with a level of its own: measured, +40 MB RSS under load.)

import { LogController } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skip this route's per-request log lines below debug (see request-logging.ts). */
    quietLog?: boolean;
  }
}

export function requestLogController(level: string): LogController {
  const everyRequest = level === 'debug' || level === 'trace';
  return new LogController({
    disableRequestLogging: (request) => !everyRequest && request.routeOptions?.config?.quietLog === true,
  });
}
