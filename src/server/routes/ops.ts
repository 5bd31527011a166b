// Operations: liveness and readiness for orchestrators (API.md "Operations").

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Store } from '../../store/types.ts';
import { errors } from '../errors.ts';
import { failures, Ok } from '../schemas/envelope.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves to a short status; throws when the dependency is not ready. */
  check: () => Promise<string>;
}

export const opsRoutes: FastifyPluginAsyncTypebox<{ store: Store; checks?: ReadinessCheck[] }> = async (
  app,
  { store, checks = [] },
) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: Ok(Type.Object({ status: Type.Literal('ok') })) },
      },
    },
    async () => ({ success: true as const, data: { status: 'ok' as const } }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the store answers',
        response: {
          200: Ok(
            Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) }),
          ),
          ...failures(503),
        },
      },
    },
    async () => {
      const results: Record<string, string> = {};
      let ready = true;
      for (const { name, check } of [
        { name: 'store', check: () => store.ping().then(() => store.engine) },
        ...checks,
      ]) {
        try {
          results[name] = await check();
        } catch (error) {
          ready = false;
          results[name] = `down: ${(error as Error).message}`;
        }
      }
      if (!ready) throw errors.notReady(JSON.stringify(results));
      return { success: true as const, data: { status: 'ready' as const, checks: results } };
    },
  );
};
