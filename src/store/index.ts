// Picks the store engine from DATABASE_URL (the Umami way: the scheme decides).

import type { AccountingRules } from '../accounting/credit-beat.ts';
import type { Config } from '../config.ts';
import { PostgresStore } from './engines/postgres/store.ts';
import { SqliteStore } from './engines/sqlite/store.ts';
import type { Store } from './types.ts';

export function accountingRules(
  config: Pick<Config, 'intervalMs' | 'timeoutMs' | 'toleranceMs'>,
): AccountingRules {
  return { intervalMs: config.intervalMs, timeoutMs: config.timeoutMs, toleranceMs: config.toleranceMs };
}

export async function openStore(
  config: Readonly<Config>,
  options: { clock?: () => number } = {},
): Promise<Store> {
  const rules = accountingRules(config);
  if (config.database.engine === 'postgres') {
    // The database's clock, not an injected one: instances with skewed clocks must agree.
    const store = new PostgresStore({ url: config.database.url, rules });
    await store.migrate();
    return store;
  }
  const store = new SqliteStore({
    path: config.database.path,
    synchronous: config.sqliteSynchronous,
    maxPages: config.sqliteMaxPages,
    rules,
    ...options,
  });
  await store.migrate();
  return store;
}

export type { Store } from './types.ts';
