// The CSV export's rows, formatted by PostgreSQL: each batch of sessions arrives as one string
// (string_agg), so the driver parses one value per 5,000 rows instead of eight per row, which is
// where a large export's time went. Same columns and escaping as csvRow in src/query/present.ts
// and as the SQLite engine's export-sessions-csv.ts; the store contract suite compares all three.

import type pg from 'pg';
import { sessionWhere } from '../../queries/session-filter.ts';
import { ORIGIN_COLUMNS, type SessionFilter } from '../../query-types.ts';
import { compile, postgresDialect, raw, sql } from '../../sql.ts';

const BATCH = 5_000;

/** A leading = + - @ tab or CR gets a ' (CSV injection); quotes when it holds " , CR or LF. */
function csv(column: string): string {
  const safe = `CASE WHEN left(${column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${column} ELSE ${column} END`;
  return `CASE WHEN ${column} IS NULL THEN ''
    WHEN strpos(${column}, '"') > 0 OR strpos(${column}, ',') > 0 OR strpos(${column}, chr(10)) > 0
      OR strpos(${column}, chr(13)) > 0 THEN '"' || replace(${safe}, '"', '""') || '"'
    ELSE ${safe} END`;
}

/**
 * The origin's columns (CSV_ORIGIN_COLUMNS of src/query/present.ts: the stored ones but region),
 * each after a comma. A session stored without an origin has none of them (its source_category is
 * null), so its row gets only the commas, as csvRow writes it.
 */
const CSV_ORIGIN = ORIGIN_COLUMNS.filter((column) => column !== 'region');
const originCsv = `CASE WHEN s.source_category IS NULL THEN '${','.repeat(CSV_ORIGIN.length)}'
  ELSE ${CSV_ORIGIN.map((column) => `',' || ${csv(`s.${column}`)}`).join(' || ')} END`;

/** Epoch ms as JavaScript's toISOString() writes it (UTC, milliseconds, Z). */
const iso = (column: string) =>
  `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface Batch {
  chunk: string | null;
  rows: number;
  last_started_at: number | null;
  last_pk: number | null;
}

export async function* exportSessionsCsv(
  db: pg.Pool,
  filter: SessionFilter,
  context: { now: number; timeoutMs: number },
): AsyncGenerator<string> {
  let position = { startedAt: filter.from ?? Number.MIN_SAFE_INTEGER, pk: 0 };
  for (;;) {
    // The lower bound on started_at is the keyset position alone, so the index seeks straight to it.
    const where = sessionWhere({ ...filter, from: undefined }, postgresDialect);
    const status = sql`CASE WHEN s.ended_at IS NOT NULL THEN 'ended'
      WHEN ${context.now}::bigint - s.last_activity_at > ${context.timeoutMs}::bigint
        THEN 'expired' ELSE 'active' END`;
    const query = compile(
      sql`WITH batch AS (
         SELECT s.started_at, s.pk,
           ${raw(csv('s.id'))} || ',' || ${status} || ',' || ${raw(iso('s.started_at'))} || ',' ||
           ${raw(iso('s.last_activity_at'))} || ',' || coalesce(${raw(iso('s.ended_at'))}, '') || ',' ||
           s.engaged_ms || ',' || coalesce(s.visible_ms::text, '') || ',' ||
           greatest(0, s.last_activity_at - s.started_at) / 1000 || ',' || s.beats || ',' || ${raw(csv('s.email'))} || ',' ||
           ${raw(csv('s.visitor_id'))} || ',' || ${raw(csv('s.entry_url'))} || ',' || ${raw(csv('s.referrer'))} ||
           ${raw(originCsv)} || chr(13) || chr(10)
             AS line
         FROM sessions s WHERE ${where}
           AND (s.started_at, s.pk) > (${position.startedAt}::bigint, ${position.pk}::bigint)
         ORDER BY s.started_at, s.pk LIMIT ${BATCH})
       SELECT string_agg(line, '' ORDER BY started_at, pk) AS chunk, count(*)::int AS rows,
         (array_agg(started_at ORDER BY started_at DESC, pk DESC))[1] AS last_started_at,
         (array_agg(pk ORDER BY started_at DESC, pk DESC))[1] AS last_pk
       FROM batch`,
      postgresDialect,
    );
    const { rows } = await db.query<Batch>(query.text, query.values);
    const batch = rows[0];
    if (!batch || batch.rows === 0 || batch.chunk === null) return;
    yield batch.chunk;
    if (batch.rows < BATCH) return;
    position = { startedAt: batch.last_started_at!, pk: batch.last_pk! };
  }
}
