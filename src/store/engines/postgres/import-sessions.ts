// Writes complete sessions (with pages, their sections and closed spans) in one transaction, a thousand sessions
// per statement through unnest(): the demo seeder and the benchmark load large sets this way.
// The rollup triggers leave one delta per session and page, which the store folds right after; the
// planner's statistics are refreshed at once, because until autovacuum gets to a table that just
// grew by a million rows (and never, where it is off) the planner guesses its sizes, and a page of
// 50 sessions took 200 ms instead of 4.

import type pg from 'pg';
import type { ImportedSession } from '../../query-types.ts';
import { withTransaction } from './connect.ts';

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
  await db.query('ANALYZE sessions, session_pages, spans');
  onProgress?.(done);
  return done;
}

async function insertChunk(client: pg.PoolClient, chunk: ImportedSession[]): Promise<void> {
  const col = <T>(pick: (s: ImportedSession) => T) => chunk.map(pick);
  const { rows } = await client.query<{ pk: number; id: string }>(
    `INSERT INTO sessions (id, started_at, last_activity_at, ended_at, engaged_ms, last_seq, beats, email,
       visitor_id, entry_url, referrer, screen, lang, current_url)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
       $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
     RETURNING pk, id`,
    [
      col((s) => s.id),
      col((s) => s.startedAt),
      col((s) => s.lastActivityAt),
      col((s) => s.endedAt),
      col((s) => s.engagedMs),
      col((s) => s.beats),
      col((s) => s.beats),
      col((s) => s.email),
      col((s) => s.visitorId),
      col((s) => s.entryUrl),
      col((s) => s.referrer),
      col((s) => s.screen),
      col((s) => s.lang),
      col((s) => s.pages[s.pages.length - 1]?.url ?? s.entryUrl),
    ],
  );
  const pkOf = new Map(rows.map((r) => [r.id, r.pk]));
  const pages = chunk.flatMap((s) => s.pages.map((p) => ({ pk: pkOf.get(s.id)!, ...p })));
  const spans = chunk.flatMap((s) => s.spans.map((span) => ({ pk: pkOf.get(s.id)!, ...span })));
  if (pages.length > 0) {
    await client.query(
      `INSERT INTO session_pages (session_pk, url, engaged_ms, max_scroll)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::real[])`,
      [
        pages.map((p) => p.pk),
        pages.map((p) => p.url),
        pages.map((p) => p.engagedMs),
        pages.map((p) => p.maxScroll),
      ],
    );
  }
  // A page's sections come in page order: the index is the position; unread ones are not stored.
  const sections = pages.flatMap((p) =>
    (p.sections ?? [])
      .map((section, position) => ({ pk: p.pk, url: p.url, position, ...section }))
      .filter((section) => section.engagedMs > 0),
  );
  if (sections.length > 0) {
    await client.query(
      `INSERT INTO session_sections (session_pk, url, name, position, engaged_ms)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::bigint[])`,
      [
        sections.map((s) => s.pk),
        sections.map((s) => s.url),
        sections.map((s) => s.name),
        sections.map((s) => s.position),
        sections.map((s) => s.engagedMs),
      ],
    );
  }
  if (spans.length > 0) {
    await client.query(
      `INSERT INTO spans (session_pk, url, start_at, end_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])`,
      [spans.map((s) => s.pk), spans.map((s) => s.url), spans.map((s) => s.start), spans.map((s) => s.end)],
    );
  }
}
