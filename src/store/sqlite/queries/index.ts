// The SQLite queries of the QueryStore that differ from PostgreSQL's, one per file (the shared ones are in
// src/store/queries/).

export { exportSessions } from './export-sessions.ts';
export { exportSessionsCsv } from './export-sessions-csv.ts';
export { importSessions } from './import-sessions.ts';
export { listVisitors } from './list-visitors.ts';
export { purgeSessions } from './purge-sessions.ts';
