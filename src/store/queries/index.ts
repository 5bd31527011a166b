// The queries written once for both engines (sql.ts); each engine's queries/ keeps what truly differs.

export { getPageSections } from './get-page-sections.ts';
export { getStats } from './get-stats.ts';
export { listLiveSessions } from './list-live-sessions.ts';
export { listSessions } from './list-sessions.ts';
