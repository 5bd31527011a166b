// Deletes sessions whose last activity is older than a cutoff, with their pages, sections and spans, in
// batches of short transactions so beats keep flowing while a large purge runs.

import type Database from 'better-sqlite3';

const BATCH = 5_000;

export function purgeSessions(db: Database.Database, before: number): number {
  const pick = db
    .prepare('SELECT pk FROM sessions WHERE started_at < @before AND last_activity_at < @before LIMIT @batch')
    .pluck();
  // Pages first: their rollup trigger reads the session's start day.
  const deletePages = db.prepare(
    'DELETE FROM session_pages WHERE session_pk IN (SELECT value FROM json_each(?))',
  );
  const deleteSections = db.prepare(
    'DELETE FROM session_sections WHERE session_pk IN (SELECT value FROM json_each(?))',
  );
  const deleteSpans = db.prepare('DELETE FROM spans WHERE session_pk IN (SELECT value FROM json_each(?))');
  const deleteSessions = db.prepare('DELETE FROM sessions WHERE pk IN (SELECT value FROM json_each(?))');
  const batch = db.transaction(() => {
    const pks = JSON.stringify(pick.all({ before, batch: BATCH }));
    deletePages.run(pks);
    deleteSections.run(pks);
    deleteSpans.run(pks);
    return deleteSessions.run(pks).changes;
  });
  let total = 0;
  for (;;) {
    const deleted = batch();
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
