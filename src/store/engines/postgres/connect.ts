// The pg pool Dwell uses, which failures mean "not now", and transactions that survive a lost connection.

import pg from 'pg';

// BIGINT columns hold epoch milliseconds and counters, far below 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PoolOptions {
  url: string;
  /** A schema to create and use (tests isolate themselves this way). */
  schema?: string;
  max?: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    // A query stuck behind a dead server must fail, so the route can answer 503 and move on.
    query_timeout: 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its connection (database restart) emits here; without a listener the
  // process would crash. The next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/** PostgreSQL error classes that mean "not now": connection, resources, shutdown, timeouts. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)/;
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_CODES.has(code)))
    return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded|Query read timeout|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    message,
  );
}

/**
 * Runs `work` in one transaction on one pooled connection: committed if it resolves, else rolled
 * back. pg-pool takes its error listener off a client while it is checked out, so a connection lost
 * between two queries (a database restart) would be an uncaught 'error' event that ends the
 * process; here it fails the transaction instead (its next query rejects), and the dead connection
 * is handed back as broken, so the pool discards it.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}
