// PostgreSQL migration 15: each session's origin (issue #24), the same columns as SQLite's
// migration 15. Adding nullable columns without a default rewrites nothing.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE sessions
    ADD COLUMN source TEXT,
    ADD COLUMN source_category TEXT,
    ADD COLUMN referrer_host TEXT,
    ADD COLUMN utm_source TEXT,
    ADD COLUMN utm_medium TEXT,
    ADD COLUMN utm_campaign TEXT,
    ADD COLUMN utm_content TEXT,
    ADD COLUMN utm_term TEXT,
    ADD COLUMN entry_path TEXT,
    ADD COLUMN device TEXT,
    ADD COLUMN browser TEXT,
    ADD COLUMN os TEXT,
    ADD COLUMN country TEXT,
    ADD COLUMN region TEXT;
`;
