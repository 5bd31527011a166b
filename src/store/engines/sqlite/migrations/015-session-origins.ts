// SQLite migration 15: each session's origin (issue #24), decided once at its start by
// src/sources/: its source and category, the external referrer's host, the five UTM parameters of
// its entry URL, the entry page's path, its device class, browser, OS, country and region. NULL on
// sessions stored before (unknown, not invented). Values are cut to ORIGIN_LIMITS before they get here.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE sessions ADD COLUMN source TEXT;
  ALTER TABLE sessions ADD COLUMN source_category TEXT;
  ALTER TABLE sessions ADD COLUMN referrer_host TEXT;
  ALTER TABLE sessions ADD COLUMN utm_source TEXT;
  ALTER TABLE sessions ADD COLUMN utm_medium TEXT;
  ALTER TABLE sessions ADD COLUMN utm_campaign TEXT;
  ALTER TABLE sessions ADD COLUMN utm_content TEXT;
  ALTER TABLE sessions ADD COLUMN utm_term TEXT;
  ALTER TABLE sessions ADD COLUMN entry_path TEXT;
  ALTER TABLE sessions ADD COLUMN device TEXT;
  ALTER TABLE sessions ADD COLUMN browser TEXT;
  ALTER TABLE sessions ADD COLUMN os TEXT;
  ALTER TABLE sessions ADD COLUMN country TEXT;
  ALTER TABLE sessions ADD COLUMN region TEXT;
`;
