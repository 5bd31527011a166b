// Builds the Dwell app as a Fastify instance that never listens (server/main.ts does): tests call
// buildApp and inject requests or listen on a random port.

import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Store } from '../store/types.ts';
import { errors } from './errors.ts';
import { gatePlugin } from './gate/index.ts';
import { loggerOptions } from './logger-options.ts';
import { beatEventsPlugin } from './plugins/beat-events.ts';
import { bodyParsersPlugin } from './plugins/body-parsers.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { connectSharedLimits } from './plugins/fallback-limit-store.ts';
import { liveRelayPlugin } from './plugins/live-relay.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { continueOnlyWithinLimit, oversizedBodiesPlugin } from './plugins/oversized-bodies.ts';
import { rateLimitsPlugin } from './plugins/rate-limits.ts';
import { retentionPlugin } from './plugins/retention.ts';
import { sitesPlugin } from './plugins/sites.ts';
import { requestLogController } from './request-logging.ts';
import { assetRoutes } from './routes/assets.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { demoRoutes } from './routes/demo.ts';
import { ingestRoutes } from './routes/ingest.ts';
import { opsRoutes, type ReadinessCheck } from './routes/ops.ts';
import { queryRoutes } from './routes/query.ts';
import { shareRoutes } from './routes/share.ts';
import { siteRoutes } from './routes/sites.ts';
import { ErrorEnvelope } from './schemas/envelope.ts';
import { VisitorKeys } from './visitor-keys.ts';

export interface AppOptions {
  config: Readonly<Config>;
  store: Store;
  /** The resolved admin token (configured or generated in the data folder). */
  adminToken: string;
  /** Where the built browser assets are (dist/public). */
  publicDir?: string;
  logger?: FastifyServerOptions['logger'];
  /** Where the default (redacting) logger writes; stdout when absent. */
  logStream?: NodeJS.WritableStream;
  readinessChecks?: ReadinessCheck[];
}

/** Slow clients are cut off: a beat is tiny, so 10 s for a whole request is generous. */
const REQUEST_TIMEOUT_MS = 10_000;

export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const app = Fastify({
    logger:
      options.logger ??
      loggerOptions(config, { isTTY: process.stdout.isTTY === true, stream: options.logStream }),
    logController: requestLogController(config.logLevel),
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: config.bodyLimit,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: 15_000,
    keepAliveTimeout: 10_000,
    // Node checks request timeouts every 30 s by default, so a slow client could hold a connection
    // for 40 s; check every second instead.
    serverFactory: (handler) => {
      const server = createServer(
        {
          connectionsCheckingInterval: 1_000,
          requestTimeout: REQUEST_TIMEOUT_MS,
          headersTimeout: REQUEST_TIMEOUT_MS,
        },
        handler,
      );
      continueOnlyWithinLimit(server, handler, config.bodyLimit);
      return server;
    },
    return503OnClosing: false,
    routerOptions: { maxParamLength: 256 },
    // Errors raised by the router itself (malformed or over-long URLs) get the envelope too.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .code(400)
        .send({ success: false, error: { code: 'INVALID_PARAMS', message: error.message } });
    },
    ajv: {
      customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // While closing, in-flight requests finish and new ones get API.md's 503 envelope.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Callback-style hooks on the hot path: an async hook costs a promise and a microtask per request.
  app.addHook('onRequest', (_request, _reply, done) => done(closing ? errors.shuttingDown() : undefined));

  app.addSchema(ErrorEnvelope);
  await app.register(errorsPlugin, {
    bodyLimit: config.bodyLimit,
    exposeErrors: config.env !== 'production',
  });
  await app.register(bodyParsersPlugin);
  await app.register(oversizedBodiesPlugin, { bodyLimit: config.bodyLimit });
  await app.register(metricsPlugin);
  await app.register(beatEventsPlugin, { store });
  if (config.redisUrl) await app.register(liveRelayPlugin, { redisUrl: config.redisUrl });
  if (config.retentionDays !== null)
    await app.register(retentionPlugin, { store, days: config.retentionDays });
  // REDIS_URL: limits shared by every instance, falling back to in-process while Redis is down.
  const shared = config.rateLimit && config.redisUrl ? connectSharedLimits(config.redisUrl, app.log) : null;
  if (shared) app.addHook('onClose', () => shared.close());
  await app.register(rateLimitsPlugin, {
    enabled: config.rateLimit !== null,
    ...(shared ? { store: shared.Store } : {}),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Dwell API',
        version: '1',
        description:
          'Engaged-time analytics: the HTTP contract of API.md. Every answer is `{ success, data }` or `{ success: false, error: { code, message } }`.',
      },
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(sitesPlugin, { config, store });
  const visitorKeys = new VisitorKeys(store);
  await app.register(async (ingest) => {
    // CORS only for the public ingest routes: the query API and the dashboard stay same-origin.
    await ingest.register(cors, {
      // By default each site says which origins may send it beats (site-directory.ts).
      origin:
        config.allowedOrigins === 'sites'
          ? (origin, done) => done(null, origin === undefined || app.sites.originAllowed(origin))
          : config.allowedOrigins === '*'
            ? '*'
            : [...config.allowedOrigins],
      methods: ['GET', 'POST', 'PATCH'],
      // The tracker honours Retry-After on 429/503, which a cross-origin script can read only if exposed.
      exposedHeaders: ['Retry-After'],
      maxAge: 86_400,
      // A preflight without Origin is answered 204 rather than @fastify/cors's plain-text 400.
      strictPreflight: false,
    });
    await ingest.register(ingestRoutes, { config, store, visitorKeys });
  });
  const checks = [...(options.readinessChecks ?? [])];
  if (shared) checks.push({ name: 'rateLimits', check: async () => shared.status() });
  await app.register(opsRoutes, { store, checks });
  await app.register(assetRoutes, { publicDir: options.publicDir ?? DEFAULT_PUBLIC_DIR });
  await app.register(queryRoutes, { config, store, adminToken: options.adminToken });
  await app.register(siteRoutes, { store, adminToken: options.adminToken });
  await app.register(shareRoutes, { config, store, adminToken: options.adminToken });
  await app.register(dashboardRoutes, { publicDir: options.publicDir ?? DEFAULT_PUBLIC_DIR });
  if (config.demo) await app.register(demoRoutes);
  // The email gate and its cookie heartbeat exist only with a confidential folder (DWELL_GATE_DIR).
  if (config.gate.dir) await app.register(gatePlugin, { config, store, sharedLimits: shared });

  return app;
}

/** A hop count becomes proxy-addr's "trust the first n hops" function (Fastify's types omit numbers). */
function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return typeof trust === 'boolean' ? trust : [...trust];
}
