// SQLite migration 12: sites (issue #23). A site owns its hosts (one row per host and path prefix,
// so two sites can never claim the same one), its site tokens and its shared links; every session
// belongs to one site and counts on one day of that site's calendar, both set when it starts.
// Migration 13 assigns the sessions stored before; migration 14 keys the rollups by site.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  CREATE TABLE sites (
    pk INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    -- A JSON array of origins; NULL means the defaults of its hosts.
    origins TEXT,
    -- A JSON object of the site's other settings (its email gate).
    settings TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE site_hosts (
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    site_pk INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (host, path)
  ) WITHOUT ROWID;
  CREATE INDEX site_hosts_site ON site_hosts (site_pk, position);
  -- Read-only tokens of one site: only the token's SHA-256 is kept.
  CREATE TABLE site_tokens (
    id TEXT PRIMARY KEY,
    site_pk INTEGER NOT NULL,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  CREATE INDEX site_tokens_site ON site_tokens (site_pk);
  -- Read-only shared views of one site: the link's secret is kept as its SHA-256, the optional
  -- password as a scrypt hash.
  CREATE TABLE share_links (
    id TEXT PRIMARY KEY,
    site_pk INTEGER NOT NULL,
    name TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  CREATE INDEX share_links_site ON share_links (site_pk);
  -- Hosts whose pages asked for a session that no site claims: the dashboard offers to add them.
  CREATE TABLE declined_hosts (
    host TEXT PRIMARY KEY,
    requests INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL
  );
  -- Bumped by every change to a site, so every instance's cache of the sites sees it within seconds.
  CREATE TABLE site_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
  );
  INSERT INTO site_changes (id, version) VALUES (1, 0);

  ALTER TABLE sessions ADD COLUMN site INTEGER NOT NULL DEFAULT 0;
  -- The day the session counts on in its site's time zone (days since 1970-01-01 of that calendar).
  ALTER TABLE sessions ADD COLUMN day INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET day = started_at / 86400000;
  CREATE INDEX sessions_site_day ON sessions (site, day);
  CREATE INDEX sessions_site_started ON sessions (site, started_at);
`;
