// The email gate (API.md "Email-gated access"; registered when DWELL_GATE_DIR is set): the form,
// the one-time link, the cookie heartbeat and the confidential folder, with their cookies, mail,
// webhooks and rate limits. Encapsulated: nothing here leaks into the other routes.

import fastifyCookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import type { Store } from '../../store/types.ts';
import type { SharedLimits } from '../plugins/fallback-limit-store.ts';
import { InProcessLimitStore } from '../plugins/in-process-limit-store.ts';
import { GATE_CSP, securityHeaders } from '../plugins/security-headers.ts';
import { resolveSecret } from '../secrets.ts';
import { AccessCookies } from './access-cookie.ts';
import { accessRoutes } from './access-routes.ts';
import { AttemptLimiter } from './attempt-limiter.ts';
import { contentRoutes } from './content.ts';
import type { GateContext } from './context.ts';
import { heartbeatRoute } from './heartbeat-route.ts';
import { createMailer } from './mailer.ts';
import { SessionEnds } from './session-ends.ts';
import { newWebhookSecret, Webhooks } from './webhooks.ts';

/** Form attempts: per IP, and per email (each may trigger an email when verification is on). */
export const GATE_LIMITS = {
  perIp: { max: 30, windowMs: 600_000 },
  perEmail: { max: 5, windowMs: 600_000 },
};

export interface GateOptions {
  config: Readonly<Config>;
  store: Store;
  /** REDIS_URL's shared counters: the form's limits then hold across instances. */
  sharedLimits?: SharedLimits | null;
}

export const gatePlugin: FastifyPluginAsync<GateOptions> = async (app, { config, store, sharedLimits }) => {
  const dir = config.gate.dir;
  if (!dir) return;
  if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
  await app.register(formbody);
  // Helmet's headers on every gate answer; the form pages narrow the policy further (sendPage).
  await securityHeaders(app, GATE_CSP);

  const secret = resolveSecret(config.dataDir, 'cookie-secret', config.gate.cookieSecret);
  if (secret.generatedPath) app.log.info(`gate cookie secret generated and kept in ${secret.generatedPath}`);
  if (config.gate.verify === 'link' && !config.publicUrl) {
    app.log.warn(
      'DWELL_GATE_VERIFY=link without DWELL_PUBLIC_URL: emailed links use the request Host header',
    );
  }

  const webhooks = config.webhookUrl
    ? new Webhooks({ url: config.webhookUrl, secret: webhookSecret(config, app), store, log: app.log })
    : null;
  const sessionEnds = webhooks
    ? new SessionEnds(store, webhooks, config.timeoutMs, app.log, (pk) => app.sites.getByPk(pk)?.id)
    : null;
  const limitStore = (prefix: string) => sharedLimits?.limitStore(prefix) ?? new InProcessLimitStore();
  const ctx: GateContext = {
    config,
    store,
    cookies: new AccessCookies(secret.value, { secure: config.env === 'production' }),
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log: app.log }),
    webhooks,
    sessionEnds,
    limits: config.rateLimit
      ? {
          perIp: new AttemptLimiter(GATE_LIMITS.perIp, limitStore('gate-ip')),
          perEmail: new AttemptLimiter(GATE_LIMITS.perEmail, limitStore('gate-email')),
        }
      : null,
  };

  app.addHook('onReady', async () => {
    sessionEnds?.start();
    webhooks?.start();
  });
  app.addHook('onClose', async () => {
    sessionEnds?.stop();
    await webhooks?.close();
  });

  await app.register(accessRoutes, { ctx });
  await app.register(heartbeatRoute, { ctx });
  await app.register(contentRoutes, { ctx, dir });
};

/** DWELL_WEBHOOK_SECRET, else one generated once in the data folder (its path is logged, never it). */
function webhookSecret(config: Readonly<Config>, app: { log: { info(message: string): void } }): string {
  const secret = resolveSecret(config.dataDir, 'webhook-secret', config.webhookSecret, newWebhookSecret);
  if (secret.generatedPath)
    app.log.info(`webhook signing secret generated and kept in ${secret.generatedPath}`);
  return secret.value;
}
