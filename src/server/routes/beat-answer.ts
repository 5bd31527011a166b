// Turns a store's BeatResult into the heartbeat answer of API.md, or the error it stands for.
// Shared by the tracker's heartbeat route and the gate's cookie heartbeat.

import type { FastifyInstance } from 'fastify';
import type { BeatResult } from '../../store/types.ts';
import { errors } from '../errors.ts';

export function answerBeat(app: FastifyInstance, result: BeatResult, sessionId: string | null = null) {
  switch (result.kind) {
    case 'not_found':
      throw errors.sessionNotFound();
    case 'forbidden':
      throw errors.forbidden();
    case 'expired':
      throw errors.sessionExpired();
    case 'credited':
      app.metrics.beats.inc({ result: result.duplicate ? 'duplicate' : 'credited' });
      if (result.creditedMs > 0) app.metrics.creditedMs.inc(result.creditedMs);
      // The live stream: an emit only when a dashboard listens, so the hot path stays cheap.
      if (!result.duplicate && app.beatEvents?.listenerCount('beat') > 0) {
        app.beatEvents.emit('beat', {
          sessionId,
          creditedMs: result.creditedMs,
          engagedMs: result.engagedMs,
        });
      }
      return {
        success: true as const,
        data: {
          ok: true as const,
          credited: result.creditedMs,
          engagedMs: result.engagedMs,
          duration: Math.floor(result.engagedMs / 1000),
        },
      };
  }
}

/** Counts every refused beat by its error code (an onResponse hook for beat routes). */
export function countRefusedBeats(app: FastifyInstance) {
  return (request: { errorCode: string | null }, _reply: unknown, done: () => void) => {
    if (request.errorCode) app.metrics.beatsRefused.inc({ reason: request.errorCode });
    done();
  };
}
