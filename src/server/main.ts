// Starts Dwell: configuration, store, app, listen; and a graceful stop on SIGTERM/SIGINT —
// in-flight requests finish, new ones get 503, pending beats are committed, then the process exits.

import { ConfigError, loadConfig } from '../config.ts';
import { openStore } from '../store/index.ts';
import { buildApp } from './app.ts';
import { resolveSecret } from './secrets.ts';

const STOP_DEADLINE_MS = 8_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dwell: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const store = await openStore(config);
  const admin = resolveSecret(config.dataDir, 'admin-token', config.adminToken);
  const app = await buildApp({ config, store, adminToken: admin.value });
  if (admin.generatedPath) {
    // Printed once, on the start that created it, as API.md's configuration table promises.
    process.stdout.write(
      `\nDwell admin token (kept in ${admin.generatedPath}; shown only now):\n  ${admin.value}\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping: finishing requests in flight');
    const deadline = setTimeout(() => {
      app.log.error('graceful stop took too long; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    try {
      await app.close();
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const where = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  app.log.info(
    `Dwell is running on ${config.database.engine}: demo ${where}/, dashboard ${where}/dashboard, API docs ${where}/docs`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`dwell: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
