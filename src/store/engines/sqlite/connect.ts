// Opens the SQLite file with the settings Dwell relies on.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { localDay } from '../../../sites/index.ts';

export interface SqliteOptions {
  path: string;
  synchronous?: 'NORMAL' | 'FULL';
  /** PRAGMA max_page_count; 0 keeps SQLite's own limit. Lets tests simulate a full disk. */
  maxPages?: number;
}

export function openDatabase(options: SqliteOptions): Database.Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  // WAL: readers (the dashboard) never block the writer. synchronous=NORMAL keeps every committed
  // transaction through a process crash (SIGKILL); FULL also through power loss, at an fsync per
  // commit (group commit keeps that to one per batch).
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  // Beats touch the pages of recent sessions over and over: keep them in SQLite's own cache
  // (32 MiB) instead of re-reading them from the OS on every batch. (mmap was tried: no faster
  // here, and its mapped pages count against the process's memory.)
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  // The day of an instant in a site's calendar, as PostgreSQL's dwell_local_day (migration 12).
  db.function('dwell_local_day', { deterministic: true }, (ms, timeZone) =>
    localDay(Number(ms), String(timeZone)),
  );
  // The query planner needs statistics to tell a selective filter (an email) from a broad one (a
  // site holding half the sessions): without them it walked the big site's sessions in order to
  // find one email's (250 ms instead of 3, bench:query with 20 sites). SQLite's advice for a
  // long-lived connection: optimize when it opens (bounded by analysis_limit), and again after a
  // bulk import (import-sessions.ts).
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
  if (options.maxPages) db.pragma(`max_page_count = ${Math.floor(options.maxPages)}`);
  return db;
}
