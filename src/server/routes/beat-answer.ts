// Turns a store's BeatResult into the heartbeat answer of API.md, or the error it stands for.
// Shared by the tracker's heartbeat route and the gate's cookie heartbeat.

import type { FastifyInstance } from 'fastify';
import type { BeatResult, SectionTime } from '../../store/types.ts';
import { errors } from '../errors.ts';

/**
 * The beat is committed to the journal; the fold credits it a moment later, so the answer is the
 * bare `{ ok: true }` API.md allows (clients must not depend on a credit in it).
 */
const ACCEPTED = { success: true as const, data: { ok: true as const } };

export function answerBeat(app: FastifyInstance, result: BeatResult) {
  switch (result.kind) {
    case 'not_found':
      throw errors.sessionNotFound();
    case 'forbidden':
      throw errors.forbidden();
    case 'expired':
      throw errors.sessionExpired();
    case 'accepted':
      app.metrics.beats.inc({ result: 'accepted' });
      return ACCEPTED;
  }
}

/** Counts every refused beat by its error code (an onResponse hook for beat routes). */
export function countRefusedBeats(app: FastifyInstance) {
  return (request: { errorCode: string | null }, _reply: unknown, done: () => void) => {
    if (request.errorCode) app.metrics.beatsRefused.inc({ reason: request.errorCode });
    done();
  };
}

/** The beat's `sections` tuples (schemas/ingest.ts) as the store takes them. */
export function toSectionTimes(sections: [string, number, number][] | undefined): SectionTime[] | undefined {
  return sections?.map(([name, engagedMs, position]) => ({ name, engagedMs, position }));
}
