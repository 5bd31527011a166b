// DWELL_RETENTION_DAYS: deletes sessions (with their pages and spans) whose last activity is older
// than the retention period, at start and then every hour. Idempotent, so several instances may
// run it at once; sessions are keyed by an increasing primary key, so old rows are one contiguous
// range and each purge is a cheap range delete.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../../store/types.ts';

const DAY_MS = 86_400_000;
const EVERY_MS = 3_600_000;

export const retentionPlugin = fp(
  async (app: FastifyInstance, { store, days }: { store: Store; days: number }) => {
    const purge = async () => {
      try {
        const before = (await store.now()) - days * DAY_MS;
        const deleted = await store.purgeSessions(before);
        if (deleted > 0) app.log.info({ deleted, days }, 'retention: old sessions deleted');
      } catch (error) {
        app.log.warn({ err: error }, 'retention: purge failed; will try again');
      }
    };
    let timer: NodeJS.Timeout | null = null;
    app.addHook('onReady', async () => {
      void purge();
      timer = setInterval(() => void purge(), EVERY_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'dwell-retention' },
);
