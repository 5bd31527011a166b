// The beat bus: the store's fold reports the beats it credited, and this plugin turns them into
// metrics and one event per credited beat; the live stream listens. A session's beats are folded
// when it is due (issue #26), up to half a minute after they arrive, so each appended batch is
// also announced at once (a notice with no session): the live stream's read folds what it shows.
// Emitting costs nothing when nobody listens (the listener count is checked first).

import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../../store/types.ts';

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
  async (
    app: FastifyInstance,
    { store }: { store: Pick<Store, 'onFolded' | 'onAppended' | 'onBackgroundError'> },
  ) => {
    const bus = new EventEmitter() as BeatEvents;
    // Every dashboard tab is a listener; a busy team can have many open.
    bus.setMaxListeners(0);
    app.decorate('beatEvents', bus);
    const unsubscribe = store.onFolded((beats) => {
      const live = bus.listenerCount('beat') > 0;
      for (const beat of beats) {
        app.metrics.beats.inc({ result: beat.duplicate ? 'duplicate' : 'credited' });
        if (beat.creditedMs > 0) app.metrics.creditedMs.inc(beat.creditedMs);
        if (live && !beat.duplicate) {
          bus.emit('beat', {
            sessionId: beat.sessionId,
            creditedMs: beat.creditedMs,
            engagedMs: beat.engagedMs,
          });
        }
      }
    });
    const unsubscribeAppends = store.onAppended(() => {
      if (bus.listenerCount('beat') > 0) bus.emit('beat', { sessionId: null, creditedMs: 0, engagedMs: 0 });
    });
    // A timed fold that fails leaves its beats journaled for the next one; say so, and count it.
    const unsubscribeErrors = store.onBackgroundError((error) => {
      app.metrics.backgroundFoldFailures.inc();
      app.log.error({ err: error }, 'background fold failed; the beats stay journaled for the next fold');
    });
    app.addHook('onClose', async () => {
      unsubscribe();
      unsubscribeAppends();
      unsubscribeErrors();
    });
  },
  { name: 'dwell-beat-events', dependencies: ['dwell-metrics'] },
);
