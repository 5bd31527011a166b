// Issue #27: fold-property.test.ts failed once on a busy machine (seed 1988243569, path "4"): a
// page's section s0 stored as 3 ms where sequential accounting says 2 ms. The fold was right; the
// session row was not. PostgreSQL's createSession read clock_timestamp() once per column, so on a
// millisecond boundary a new session's last activity came 1 ms after its start, and its first
// body-less beat (credited the time since the last activity) got 1 ms less: the cumulative cap gave
// that millisecond to the next beat instead, whose sections were scaled by another factor. A fake
// database clock that ticks on every reading replays that case exactly.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { dropSchema, POSTGRES_URL, postgresSkipReason, testSchemaName } from './engines.ts';

// The property test's rules: the failing case depends on their tolerance.
const rules: AccountingRules = { intervalMs: 20, timeoutMs: 120, toleranceMs: 5 };
const TOKEN = createHash('sha256').update('secret').digest();
const T0 = Date.UTC(2026, 11, 1, 12);

describe('a PostgreSQL session starts at one instant', { skip: await postgresSkipReason() }, () => {
  const schema = testSchemaName();
  /** A store whose connections find the schema's clock_timestamp() and statement_timestamp() first. */
  const open = () => {
    const store = new PostgresStore({ url: POSTGRES_URL, schema, rules, max: 2, foldEveryMs: 0 });
    store.pool.on('connect', (client) => {
      client.query(`SET search_path = "${schema}", pg_catalog`).catch(() => {});
    });
    return store;
  };

  before(async () => {
    const store = open();
    await store.migrate();
    // The database's time is fake_clock.at; each clock_timestamp() reading is 1 ms after the last.
    await store.pool.query(`CREATE TABLE fake_clock (at bigint NOT NULL);
      INSERT INTO fake_clock VALUES (${T0});
      CREATE SEQUENCE fake_tick MINVALUE 0 START 0;
      CREATE FUNCTION statement_timestamp() RETURNS timestamptz LANGUAGE sql VOLATILE AS
        $$ SELECT pg_catalog.to_timestamp(at / 1000.0) FROM fake_clock $$;
      CREATE FUNCTION clock_timestamp() RETURNS timestamptz LANGUAGE sql VOLATILE AS
        $$ SELECT pg_catalog.to_timestamp((at + pg_catalog.nextval('fake_tick')) / 1000.0) FROM fake_clock $$;`);
    // Its connections may hold plans made with the real clock: the test opens fresh ones.
    await store.close();
  });
  after(async () => {
    await dropSchema(schema);
  });

  it("credits a session's first body-less beat from its start, as sequential accounting does", async () => {
    const reopened = open();
    const at = async (ms: number) => {
      await reopened.pool.query(`UPDATE fake_clock SET at = ${T0 + ms}`);
      await reopened.pool.query('ALTER SEQUENCE fake_tick RESTART');
    };
    try {
      await at(0);
      const id = randomUUID();
      const { startedAt } = await reopened.createSession({
        id,
        tokenHash: TOKEN,
        email: null,
        visitorId: 'v0',
        entryUrl: '/p0',
        referrer: null,
        screen: null,
        lang: null,
      });
      assert.equal(startedAt, T0);
      // A seed client 13 ms later: credited the 13 ms since the session's last activity, its start.
      await at(13);
      assert.deepEqual(await reopened.recordBeat({ sessionId: id }), { kind: 'accepted' });
      // dwell.js 1 ms later claims 11 ms in two sections; the cumulative cap leaves it 6 of them.
      await at(14);
      const beat = {
        sessionId: id,
        tokenHash: TOKEN,
        seq: 1,
        engagedMs: 11,
        visibleMs: 19,
        url: '/p0',
        final: true,
        sections: [
          { name: 's0', engagedMs: 5, position: 0 },
          { name: 's1', engagedMs: 6, position: 1 },
        ],
      };
      assert.deepEqual(await reopened.recordBeat(beat), { kind: 'accepted' });
      const session = await reopened.getSession(id);
      assert.ok(session);
      assert.equal(session.lastActivityAt, T0 + 14);
      const page = session.pages.find((p) => p.url === '/p0');
      assert.deepEqual(
        {
          engagedMs: page?.engagedMs,
          visibleMs: page?.visibleMs,
          sections: Object.fromEntries((page?.sections ?? []).map((s) => [s.name, s.engagedMs])),
        },
        // 13 ms for the seed beat; 6 for dwell.js's, its sections scaled by 6/11, rounded down.
        { engagedMs: 19, visibleMs: 19, sections: { s0: 2, s1: 3 } },
      );
    } finally {
      await reopened.close();
    }
  });
});
