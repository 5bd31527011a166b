// The PostgreSQL queries of the QueryStore, one per file (the same files as sqlite/queries/).

export { exportSessions } from './export-sessions.ts';
export { exportSessionsCsv } from './export-sessions-csv.ts';
export { importSessions } from './import-sessions.ts';
export { listVisitors } from './list-visitors.ts';
export { purgeSessions } from './purge-sessions.ts';
