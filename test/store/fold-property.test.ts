// The fold gives exactly what sequential accounting gives. Any interleaving of session starts,
// beats (retries, out-of-order seqs, final and resume, expiry, a seed client and dwell.js on one
// session), purges and folds — in any chunk size, with crashes injected at any step of a fold — must
// leave every session, page, section and span as applying each acknowledged beat in turn (planBeat,
// the rule the engines applied per request before the journal) leaves them, and no page's sections
// hold more than its engaged time. On both engines.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../../src/accounting/credit-beat.ts';
import type { Span } from '../../src/accounting/spans.ts';
import { type JournalColumns, toJournalEntry } from '../../src/store/append/journal.ts';
import { planBeat } from '../../src/store/beat-plan.ts';
import { PostgresStore } from '../../src/store/engines/postgres/store.ts';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';
import type { FoldSession } from '../../src/store/fold/fold-plan.ts';
import { dropSchema, engines, POSTGRES_URL, testSchemaName } from './engines.ts';

// Short periods, so PostgreSQL (whose clock is the database's) reaches expiry with real waits.
const rules: AccountingRules = { intervalMs: 20, timeoutMs: 120, toleranceMs: 5 };
const TOKEN = createHash('sha256').update('secret').digest();
const CRASH_POINTS = ['sessions', 'session_pages', 'beat_journal'] as const;

type Command =
  | { kind: 'start' }
  | {
      kind: 'beat';
      session: number;
      client: 'tracker' | 'seed' | 'retry' | 'stale';
      engagedMs: number;
      visibleExtra: number;
      page: number;
      final: boolean;
      sections: number;
    }
  | { kind: 'wait'; ms: number }
  | { kind: 'fold'; crash: (typeof CRASH_POINTS)[number] | null }
  | { kind: 'purge' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('beat' as const),
      session: fc.nat(4),
      client: fc.constantFrom('tracker', 'tracker', 'seed', 'retry', 'stale'),
      engagedMs: fc.nat(40),
      visibleExtra: fc.nat(20),
      page: fc.nat(2),
      final: fc.boolean(),
      sections: fc.nat(3),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 150 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fold' as const),
      crash: fc.constantFrom(null, null, ...CRASH_POINTS),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'purge' as const }) },
);

interface ModelPage {
  engagedMs: number;
  visibleMs: number;
  scroll: number | null;
  sections: Map<string, number>;
}
interface ModelSession {
  row: FoldSession;
  seq: number;
  pages: Map<string, ModelPage>;
  spans: Span[];
}

type AnyStore = SqliteStore | PostgresStore;

/** Runs SQL beneath the Store interface: the journal's rows and the injected crashes. */
async function sql<T>(store: AnyStore, text: string): Promise<T[]> {
  if (store instanceof SqliteStore) {
    const statement = store.db.prepare(text);
    if (statement.reader) return statement.all() as T[];
    statement.run();
    return [];
  }
  return (await store.pool.query(text)).rows as T[];
}

/** A trigger that aborts the fold's transaction at its first write to `table`. */
async function injectCrash(store: AnyStore, table: string): Promise<void> {
  const event = table === 'beat_journal' ? 'DELETE' : table === 'sessions' ? 'UPDATE' : 'INSERT';
  if (store instanceof SqliteStore) {
    store.db.exec(`CREATE TEMP TRIGGER crash BEFORE ${event} ON main.${table} BEGIN
      SELECT RAISE(ABORT, 'injected crash'); END`);
  } else {
    await store.pool.query(`CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'injected crash'; END $$`);
    await store.pool.query(
      `CREATE TRIGGER crash BEFORE ${event} ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION crash()`,
    );
  }
}

async function removeCrash(store: AnyStore, table: string): Promise<void> {
  if (store instanceof SqliteStore) store.db.exec('DROP TRIGGER temp.crash');
  else {
    await store.pool.query(`DROP TRIGGER crash ON ${table}`);
    await store.pool.query('DROP FUNCTION crash()');
  }
}

/** Sequential accounting: every journaled beat, in journal order, through planBeat. */
function applyToModel(model: Map<number, ModelSession>, journal: JournalColumns[]): void {
  for (const entry of journal.map(toJournalEntry).sort((a, b) => a.id - b.id)) {
    const session = model.get(entry.sessionPk);
    if (!session) continue;
    const plan = planBeat(session.row, { sessionId: session.row.id, ...entry.beat }, entry.at, rules);
    if (plan.session) session.row = { ...session.row, ...plan.session };
    if (plan.closedSpan) session.spans.push(plan.closedSpan);
    if (plan.page) {
      const page = session.pages.get(plan.page.url) ?? {
        engagedMs: 0,
        visibleMs: 0,
        scroll: null,
        sections: new Map(),
      };
      page.engagedMs += plan.page.creditedMs;
      page.visibleMs += plan.page.visibleMs;
      if (plan.page.scroll !== null) page.scroll = Math.max(page.scroll ?? 0, plan.page.scroll);
      for (const s of plan.page.sections)
        page.sections.set(s.name, (page.sections.get(s.name) ?? 0) + s.engagedMs);
      session.pages.set(plan.page.url, page);
    }
  }
}

async function assertSameAsModel(store: AnyStore, model: Map<number, ModelSession>): Promise<void> {
  for (const session of model.values()) {
    const read = await store.getSession(session.row.id);
    assert.ok(read, `session ${session.row.id} is stored`);
    const { row } = session;
    assert.deepEqual(
      {
        engagedMs: read.engagedMs,
        visibleMs: read.visibleMs,
        beats: read.beats,
        lastSeq: read.lastSeq,
        endedAt: read.endedAt,
        lastActivityAt: read.lastActivityAt,
        currentUrl: read.currentUrl,
      },
      {
        engagedMs: row.engagedMs,
        visibleMs: row.visibleMs,
        beats: row.beats,
        lastSeq: row.lastSeq,
        endedAt: row.endedAt,
        lastActivityAt: row.lastActivityAt,
        currentUrl: row.currentUrl,
      },
    );
    const pages = read.pages
      .map((p) => ({
        url: p.url,
        engagedMs: p.engagedMs,
        visibleMs: p.visibleMs,
        scroll: p.maxScroll,
        sections: Object.fromEntries((p.sections ?? []).map((s) => [s.name, s.engagedMs])),
      }))
      .sort((a, b) => a.url.localeCompare(b.url));
    const expected = [...session.pages.entries()]
      .map(([url, p]) => ({
        url,
        engagedMs: p.engagedMs,
        visibleMs: p.visibleMs,
        scroll: p.scroll,
        sections: Object.fromEntries([...p.sections].filter(([, ms]) => ms > 0)),
      }))
      .sort((a, b) => a.url.localeCompare(b.url));
    assert.deepEqual(pages, expected);
    // Issue #17: a page's sections never hold more than its engaged time, after any beats and folds.
    for (const page of read.pages) {
      const inSections = (page.sections ?? []).reduce((sum, s) => sum + s.engagedMs, 0);
      assert.ok(
        inSections <= page.engagedMs,
        `${page.url}: ${inSections} ms in sections > ${page.engagedMs} ms`,
      );
    }
    const timeline = [...session.spans, ...(row.openSpan ? [row.openSpan] : [])];
    assert.deepEqual(read.timeline, timeline);
  }
}

for (const engine of await engines()) {
  describe(`the fold equals sequential accounting: ${engine.name}`, { skip: engine.skip }, () => {
    it('after any interleaving of beats, purges, chunked folds and crashes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(command, { minLength: 5, maxLength: 40 }),
          fc.integer({ min: 1, max: 6 }),
          async (commands, chunk) => {
            let clock = Date.UTC(2026, 11, 1, 12);
            const dir = mkdtempSync(join(tmpdir(), 'dwell-fold-'));
            const schema = testSchemaName();
            const store: AnyStore =
              engine.name === 'sqlite'
                ? new SqliteStore({
                    path: join(dir, 'dwell.db'),
                    rules,
                    clock: () => clock,
                    foldChunk: chunk,
                    foldEveryMs: 0,
                  })
                : new PostgresStore({
                    url: POSTGRES_URL,
                    schema,
                    rules,
                    max: 2,
                    foldChunk: chunk,
                    foldEveryMs: 0,
                  });
            await store.migrate();
            const model = new Map<number, ModelSession>();
            const byIndex: ModelSession[] = [];
            /**
             * A fold of everything journaled. Each chunk commits on its own, so a crash leaves the
             * chunks before it folded: the model takes exactly the beats that left the journal.
             */
            const fold = async (crash: string | null) => {
              const before = await sql<JournalColumns>(store, 'SELECT * FROM beat_journal');
              if (crash) await injectCrash(store, crash);
              try {
                await store.fold();
              } catch (error) {
                assert.ok(crash, `only an injected crash fails a fold: ${(error as Error).message}`);
              } finally {
                if (crash) await removeCrash(store, crash);
              }
              const left = new Set(
                (await sql<{ id: number }>(store, 'SELECT id FROM beat_journal')).map((r) => Number(r.id)),
              );
              applyToModel(
                model,
                before.filter((entry) => !left.has(Number(entry.id))),
              );
            };
            try {
              for (const c of commands) {
                if (c.kind === 'start') {
                  const id = randomUUID();
                  const { startedAt } = await store.createSession({
                    id,
                    tokenHash: TOKEN,
                    email: null,
                    visitorId: `v${byIndex.length % 2}`,
                    entryUrl: '/p0',
                    referrer: null,
                    screen: null,
                    lang: null,
                  });
                  const [found] = await sql<{ pk: number }>(
                    store,
                    `SELECT pk FROM sessions WHERE id = '${id}'`,
                  );
                  const session: ModelSession = {
                    row: {
                      pk: Number(found!.pk),
                      id,
                      tokenHash: TOKEN,
                      cookieOnly: false,
                      startedAt,
                      lastActivityAt: startedAt,
                      endedAt: null,
                      engagedMs: 0,
                      visibleMs: 0,
                      measured: false,
                      lastSeq: 0,
                      beats: 0,
                      currentUrl: '/p0',
                      openSpan: null,
                    },
                    seq: 0,
                    pages: new Map(),
                    spans: [],
                  };
                  model.set(session.row.pk, session);
                  byIndex.push(session);
                } else if (c.kind === 'beat') {
                  const session = byIndex[c.session % Math.max(1, byIndex.length)];
                  if (!session) continue;
                  if (c.client === 'seed') {
                    await store.recordBeat({ sessionId: session.row.id });
                    continue;
                  }
                  if (c.client === 'tracker') session.seq += 1;
                  const seq = c.client === 'stale' ? Math.max(1, session.seq - 2) : Math.max(1, session.seq);
                  const sections = Array.from({ length: c.sections }, (_, i) => ({
                    name: `s${i}`,
                    engagedMs: Math.floor(c.engagedMs / 2) + i,
                    position: i,
                  }));
                  await store.recordBeat({
                    sessionId: session.row.id,
                    tokenHash: TOKEN,
                    seq,
                    engagedMs: c.engagedMs,
                    visibleMs: c.engagedMs + c.visibleExtra,
                    url: `/p${c.page}`,
                    scroll: c.page * 10,
                    final: c.final,
                    sections,
                  });
                } else if (c.kind === 'wait') {
                  if (store instanceof SqliteStore) clock += c.ms;
                  else await new Promise((resolve) => setTimeout(resolve, c.ms));
                } else if (c.kind === 'fold') {
                  await fold(c.crash);
                } else {
                  // A purge folds first; then the sessions it removed leave the model.
                  await fold(null);
                  await store.purgeSessions((await store.now()) - rules.timeoutMs);
                  const left = new Set(
                    (await sql<{ pk: number }>(store, 'SELECT pk FROM sessions')).map((r) => Number(r.pk)),
                  );
                  for (const pk of model.keys()) if (!left.has(pk)) model.delete(pk);
                }
              }
              await fold(null);
              assert.deepEqual(await sql(store, 'SELECT * FROM beat_journal'), [], 'folded beats are pruned');
              await assertSameAsModel(store, model);
            } finally {
              await store.close();
              rmSync(dir, { recursive: true, force: true });
              if (store instanceof PostgresStore) await dropSchema(schema);
            }
          },
        ),
        { numRuns: engine.name === 'sqlite' ? 60 : 15 },
      );
    });
  });
}
