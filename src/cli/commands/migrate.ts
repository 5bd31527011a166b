// `dwell migrate`: applies pending schema migrations to the configured database and exits.

import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/index.ts';
import type { Command } from './types.ts';

export const migrate: Command = {
  summary: 'apply pending database migrations',
  async run(args) {
    if (args.includes('--help')) {
      process.stdout.write(
        'Usage: dwell migrate\n\nApplies pending migrations to DATABASE_URL (migrations also run at every start).\n',
      );
      return 0;
    }
    const config = loadConfig();
    const store = await openStore(config);
    await store.close();
    process.stdout.write(`database is up to date (${config.database.engine})\n`);
    return 0;
  },
};
