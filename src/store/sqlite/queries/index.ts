// The SQLite queries of the QueryStore, one per file.

export { exportSessions } from './export-sessions.ts';
export { exportSessionsCsv } from './export-sessions-csv.ts';
export { getPageSections } from './get-page-sections.ts';
export { getStats } from './get-stats.ts';
export { importSessions } from './import-sessions.ts';
export { listLiveSessions } from './list-live-sessions.ts';
export { listSessions } from './list-sessions.ts';
export { listVisitors } from './list-visitors.ts';
export { purgeSessions } from './purge-sessions.ts';
