// PostgreSQL migration 17: breakdowns by origin from each day's sessions stored in columns: the
// same tables and rule as SQLite's migration 17, which says why. The columns are stored out of line
// uncompressed: they are mostly hashes, which compression only slows.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE rollup_days ADD COLUMN changes BIGINT NOT NULL DEFAULT 0;
  CREATE TABLE breakdown_days (
    site BIGINT NOT NULL,
    day INTEGER NOT NULL,
    changes BIGINT NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (site, day)
  );
  CREATE TABLE breakdown_columns (
    site BIGINT NOT NULL,
    part TEXT NOT NULL,
    day INTEGER NOT NULL,
    changes BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (site, part, day)
  );
  ALTER TABLE breakdown_columns ALTER COLUMN bytes SET STORAGE EXTERNAL;
`;
