// The beat bus: answerBeat emits one event per committed credit; the live stream listens. Emitting
// costs nothing when nobody listens (answerBeat checks the listener count first).

import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface BeatEvent {
  sessionId: string | null;
  creditedMs: number;
  engagedMs: number;
  /** Re-emitted from another instance (live-relay.ts): not to be relayed again. */
  relayed?: boolean;
}

export interface BeatEvents extends EventEmitter {
  on(event: 'beat', listener: (beat: BeatEvent) => void): this;
  off(event: 'beat', listener: (beat: BeatEvent) => void): this;
  emit(event: 'beat', beat: BeatEvent): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    beatEvents: BeatEvents;
  }
}

export const beatEventsPlugin = fp(
  async (app: FastifyInstance) => {
    const bus = new EventEmitter() as BeatEvents;
    // Every dashboard tab is a listener; a busy team can have many open.
    bus.setMaxListeners(0);
    app.decorate('beatEvents', bus);
  },
  { name: 'dwell-beat-events' },
);
