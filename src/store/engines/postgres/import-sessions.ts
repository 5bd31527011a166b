// Writes complete sessions (with pages, their sections and closed spans) in one transaction, a thousand sessions
// per statement through unnest(): the demo seeder and the benchmark load large sets this way.
// The rollup triggers leave one delta per session and page, which the store folds right after; the
// planner's statistics are refreshed at once, because until autovacuum gets to a table that just
// grew by a million rows (and never, where it is off) the planner guesses its sizes, and a page of
// 50 sessions took 200 ms instead of 4.

import type pg from 'pg';
import { type ImportedSession, importedSiteDay, ORIGIN_COLUMNS, originValues } from '../../query-types.ts';
import { withTransaction } from './connect.ts';
import { insertRows, PostgresDb } from './db.ts';

const CHUNK = 1_000;

export async function importSessions(
  db: pg.Pool,
  sessions: Iterable<ImportedSession>,
  onProgress?: (done: number) => void,
): Promise<number> {
  let done = 0;
  await withTransaction(db, async (client) => {
    let chunk: ImportedSession[] = [];
    for (const s of sessions) {
      chunk.push(s);
      if (chunk.length === CHUNK) {
        await insertChunk(client, chunk);
        done += chunk.length;
        chunk = [];
        if (onProgress && done % 10_000 === 0) onProgress(done);
      }
    }
    if (chunk.length > 0) await insertChunk(client, chunk);
    done += chunk.length;
  });
  await db.query('ANALYZE sessions, session_pages, session_sections, spans');
  onProgress?.(done);
  return done;
}

async function insertChunk(client: pg.PoolClient, chunk: ImportedSession[]): Promise<void> {
  const db = new PostgresDb(client);
  const col = <T>(pick: (s: ImportedSession) => T) => chunk.map(pick);
  const siteDays = chunk.map(importedSiteDay);
  const origins = chunk.map((s) => originValues(s.origin));
  const rows = (await insertRows(
    db,
    'sessions',
    {
      id: ['text', col((s) => s.id)],
      started_at: ['bigint', col((s) => s.startedAt)],
      last_activity_at: ['bigint', col((s) => s.lastActivityAt)],
      ended_at: ['bigint', col((s) => s.endedAt)],
      engaged_ms: ['bigint', col((s) => s.engagedMs)],
      last_seq: ['bigint', col((s) => s.beats)],
      beats: ['int', col((s) => s.beats)],
      email: ['text', col((s) => s.email)],
      visitor_id: ['text', col((s) => s.visitorId)],
      entry_url: ['text', col((s) => s.entryUrl)],
      referrer: ['text', col((s) => s.referrer)],
      screen: ['text', col((s) => s.screen)],
      lang: ['text', col((s) => s.lang)],
      current_url: ['text', col((s) => s.pages[s.pages.length - 1]?.url ?? s.entryUrl)],
      site: ['bigint', siteDays.map((d) => d.site)],
      day: ['int', siteDays.map((d) => d.day)],
      ...Object.fromEntries(
        ORIGIN_COLUMNS.map((column, i) => [column, ['text', origins.map((o) => o[i] ?? null)] as const]),
      ),
    },
    'pk, id',
  )) as { pk: number; id: string }[];
  const pkOf = new Map(rows.map((r) => [r.id, r.pk]));
  const pages = chunk.flatMap((s) => s.pages.map((p) => ({ pk: pkOf.get(s.id)!, ...p })));
  const spans = chunk.flatMap((s) => s.spans.map((span) => ({ pk: pkOf.get(s.id)!, ...span })));
  // A page's sections come in page order: the index is the position; unread ones are not stored.
  const sections = pages.flatMap((p) =>
    (p.sections ?? [])
      .map((section, position) => ({ pk: p.pk, url: p.url, position, ...section }))
      .filter((section) => section.engagedMs > 0),
  );
  await insertRows(db, 'session_pages', {
    session_pk: ['bigint', pages.map((p) => p.pk)],
    url: ['text', pages.map((p) => p.url)],
    engaged_ms: ['bigint', pages.map((p) => p.engagedMs)],
    max_scroll: ['real', pages.map((p) => p.maxScroll)],
  });
  await insertRows(db, 'session_sections', {
    session_pk: ['bigint', sections.map((s) => s.pk)],
    url: ['text', sections.map((s) => s.url)],
    name: ['text', sections.map((s) => s.name)],
    position: ['int', sections.map((s) => s.position)],
    engaged_ms: ['bigint', sections.map((s) => s.engagedMs)],
  });
  await insertRows(db, 'spans', {
    session_pk: ['bigint', spans.map((s) => s.pk)],
    url: ['text', spans.map((s) => s.url)],
    start_at: ['bigint', spans.map((s) => s.start)],
    end_at: ['bigint', spans.map((s) => s.end)],
  });
}
