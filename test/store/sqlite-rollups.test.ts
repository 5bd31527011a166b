// SQLite's rollups (migration 3, rollups-sql.ts) are kept in step with every write. Whatever mix of
// session starts, beats, final beats, day changes and purges happens, the rollups must equal what a
// rebuild from the sessions computes — read the way the query API reads them.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import { rebuildRollupsSql } from '../../src/store/queries/rebuild-rollups.ts';
import { sqliteDialect } from '../../src/store/sql.ts';
import { beatFields, finishedSession, startAction, trackerSession } from './rollup-fixtures.ts';

const rules = { intervalMs: 5_000, timeoutMs: 600_000, toleranceMs: 1_000 };
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 20, 22);

const ROLLUPS = {
  rollup_days: 'SELECT day, sessions, engaged_ms FROM rollup_days WHERE sessions <> 0 ORDER BY 1',
  rollup_durations: 'SELECT day, seconds, sessions FROM rollup_durations WHERE sessions <> 0 ORDER BY 1, 2',
  rollup_pages: 'SELECT day, url, sessions, engaged_ms FROM rollup_pages WHERE sessions <> 0 ORDER BY 1, 2',
  rollup_visitor_days: `SELECT day, who, sessions, engaged_ms, first_at, last_at, prev_day
    FROM rollup_visitor_days ORDER BY 1, 2`,
  rollup_first_days:
    'SELECT site, day, prev_day, people FROM rollup_first_days WHERE people <> 0 ORDER BY 1, 2, 3',
};

function readRollups(db: Database.Database) {
  return Object.fromEntries(Object.entries(ROLLUPS).map(([name, sql]) => [name, db.prepare(sql).all()]));
}

/** The rollups a rebuild computes from the same sessions, on a copy of the file. */
function assertRollupsEqualRebuild(db: Database.Database, dir: string) {
  const path = join(dir, 'rebuilt.db');
  db.prepare('VACUUM INTO ?').run(path);
  const copy = new Database(path);
  try {
    copy.exec(rebuildRollupsSql(sqliteDialect));
    assert.deepEqual(readRollups(db), readRollups(copy));
  } finally {
    copy.close();
    rmSync(path);
  }
}

const action = fc.oneof(
  startAction,
  fc.record(beatFields),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 100, max: 9 * 3_600_000 }) }),
  fc.record({ kind: fc.constant('purge' as const), keepMs: fc.integer({ min: 0, max: 2 * DAY }) }),
  fc.record({ kind: fc.constant('read' as const) }),
  // A finished session written whole (dwell demo, imports): the rollups are rebuilt around it.
  fc.record({
    kind: fc.constant('import' as const),
    who: fc.constantFrom('va', 'vd'),
    agoMs: fc.integer({ min: 0, max: DAY }),
    seconds: fc.integer({ min: 1, max: 600 }),
  }),
);

describe('SQLite rollups', () => {
  it('equal a rebuild from the sessions after any mix of starts, beats, imports, purges and reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 60 }), async (actions) => {
        const dir = mkdtempSync(join(tmpdir(), 'dwell-rollups-'));
        let now = START;
        const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules, clock: () => now });
        try {
          await store.migrate();
          const sessions: { id: string; seq: number }[] = [];
          let imported = 0;
          for (const step of actions) {
            if (step.kind === 'start') {
              const id = `s${sessions.length}`;
              await store.createSession(trackerSession(id, step.who, step.email));
              sessions.push({ id, seq: 0 });
            } else if (step.kind === 'beat' && sessions.length > 0) {
              const session = sessions[step.session % sessions.length]!;
              session.seq += 1;
              now += 1_000;
              await store.recordBeat({
                sessionId: session.id,
                trusted: true,
                seq: session.seq,
                engagedMs: step.engagedMs,
                url: step.url,
                final: step.final,
              });
            } else if (step.kind === 'wait') {
              now += step.ms;
            } else if (step.kind === 'purge') {
              await store.purgeSessions(now - step.keepMs);
            } else if (step.kind === 'read') {
              await store.getStats({ from: START - DAY, to: now + DAY });
            } else if (step.kind === 'import') {
              await store.importSessions([
                finishedSession(
                  `i${sessions.length}-${imported++}`,
                  step.who,
                  now - step.agoMs,
                  step.seconds,
                ),
              ]);
            }
          }
          await store.getStats({ from: START - DAY, to: now + DAY });
          assertRollupsEqualRebuild(store.db, dir);
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      {
        numRuns: 60,
        includeErrorInReport: true,
        examples: [
          // Found by this property: a purge left the visitor-day's first activity at the purged
          // session's start (fixed by migration 5).
          [
            [
              { kind: 'start', who: 'va', email: 'a@x.test' },
              { kind: 'beat', session: 0, engagedMs: 0, url: '/a', final: false },
              { kind: 'start', who: 'va', email: 'a@x.test' },
              { kind: 'beat', session: 1, engagedMs: 0, url: '/a', final: false },
              { kind: 'purge', keepMs: 0 },
              { kind: 'read' },
            ],
          ],
        ],
      },
    );
  });

  it("adds a later beat's time to its page's rollup once the page was folded before", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-rollups-'));
    let now = START;
    const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules, clock: () => now, foldEveryMs: 0 });
    try {
      await store.migrate();
      await store.createSession(trackerSession('s1', 'va'));
      for (let seq = 1; seq <= 3; seq++) {
        now += 5_000;
        await store.recordBeat({ sessionId: 's1', trusted: true, seq, engagedMs: 4_000, url: '/a' });
        await store.foldRollups();
      }
      assertRollupsEqualRebuild(store.db, dir);
      assert.deepEqual(readRollups(store.db).rollup_pages, [
        { day: Math.floor(START / DAY), url: '/a', sessions: 1, engaged_ms: 12_000 },
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('folds a session due and its rollup deltas on its own, within a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwell-rollups-'));
    let now = START;
    const store = new SqliteStore({ path: join(dir, 'dwell.db'), rules, clock: () => now });
    try {
      await store.migrate();
      await store.createSession(trackerSession('s1', 'va'));
      for (let seq = 1; seq <= 3; seq++) {
        now += 5_000;
        await store.recordBeat({ sessionId: 's1', trusted: true, seq, engagedMs: 5_000, url: '/a' });
      }
      const journaled = store.db.prepare('SELECT count(*) FROM beat_journal').pluck();
      const pending = store.db.prepare('SELECT count(*) FROM rollup_pending').pluck();
      const engaged = store.db.prepare('SELECT engaged_ms FROM rollup_days').pluck();
      assert.equal(journaled.get(), 3);
      assert.equal(engaged.get() ?? 0, 0, 'nothing folded into the rollups yet');
      // The session is due once its first unfolded beat is 30 s old (issue #26).
      now += 30_000;
      const deadline = Date.now() + 3_000;
      while (engaged.get() !== 15_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(journaled.get(), 0, 'the timer folded the journal');
      assert.equal(pending.get(), 0, 'and the rollup deltas the fold left');
      assert.equal(engaged.get(), 15_000);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
