// With REDIS_URL, the live stream sees beats from every instance: each instance publishes a short
// "beats arrived" notice (at most one per 250 ms, whatever the beat rate) and re-emits the notices
// of the others on its own beat bus, so its live streams refresh at once instead of at their next
// periodic read. A lost notice costs nothing but that refresh delay.

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { BeatEvent } from './beat-events.ts';

const CHANNEL = 'dwell:beats';
const THROTTLE_MS = 250;

export const liveRelayPlugin = fp(
  async (app: FastifyInstance, { redisUrl }: { redisUrl: string }) => {
    const instance = randomUUID();
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (n: number) => Math.min(n * 250, 2_000),
    };
    const publisher = new Redis(redisUrl, options);
    // The subscriber must queue its SUBSCRIBE until connected, and re-subscribes after a reconnect.
    const subscriber = new Redis(redisUrl, { ...options, enableOfflineQueue: true });
    publisher.on('error', () => {});
    subscriber.on('error', () => {});

    let scheduled = false;
    const onBeat = (event: BeatEvent) => {
      if (event.relayed || scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        publisher.publish(CHANNEL, instance).catch(() => {});
      }, THROTTLE_MS).unref();
    };
    app.beatEvents.on('beat', onBeat);
    subscriber.on('message', (_channel: string, from: string) => {
      if (from !== instance)
        app.beatEvents.emit('beat', { sessionId: null, creditedMs: 0, engagedMs: 0, relayed: true });
    });
    subscriber
      .subscribe(CHANNEL)
      .catch((error: unknown) => app.log.warn({ err: error }, 'live relay: subscribe failed'));

    app.addHook('onClose', async () => {
      app.beatEvents.off('beat', onBeat);
      publisher.disconnect();
      subscriber.disconnect();
    });
  },
  { name: 'dwell-live-relay', dependencies: ['dwell-beat-events'] },
);
