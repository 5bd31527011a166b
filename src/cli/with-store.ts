// Opens the store of DATABASE_URL for one command and closes it however the command ends.

import { type Config, loadConfig } from '../config.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';

export async function withStore<T>(work: (store: Store, config: Readonly<Config>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}
