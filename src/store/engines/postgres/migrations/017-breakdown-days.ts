// PostgreSQL migration 17: breakdowns by origin from one compact segment per (site, day): the same
// tables and rule as SQLite's migration 17, which says why.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE rollup_days ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;
  CREATE TABLE breakdown_days (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    changes BIGINT NOT NULL,
    sessions INTEGER NOT NULL,
    segment BYTEA NOT NULL,
    PRIMARY KEY (site, day)
  );
`;
