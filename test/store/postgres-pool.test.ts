// withTransaction holds a pooled connection across several queries. pg-pool takes its own error
// listener off a client while it is checked out, so a connection lost between two of those queries
// (a database restart, an administrator's pg_terminate_backend) would reach the process as an
// uncaught 'error' event and bring it down. It must fail the transaction instead, and the pool must
// discard the dead connection.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPool, withTransaction } from '../../src/store/engines/postgres/connect.ts';
import { POSTGRES_URL, postgresSkipReason } from './engines.ts';

describe('withTransaction', { skip: await postgresSkipReason() }, () => {
  it('fails, and does not crash the process, when its connection is lost between two queries', async () => {
    const pool = createPool({ url: POSTGRES_URL, max: 2 });
    const admin = createPool({ url: POSTGRES_URL, max: 1 });
    try {
      await assert.rejects(
        withTransaction(pool, async (client) => {
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          // The connection dies while this transaction holds it and has no query running.
          await sleep(200);
          await client.query('SELECT 1');
        }),
      );
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      assert.equal(rows[0]!.one, 1, 'the pool serves again on a fresh connection');
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
