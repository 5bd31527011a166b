// SQLite migration 17: breakdowns by origin from each day's sessions stored in columns instead of a
// scan of the range's session rows (issue #24; src/store/breakdowns/ says how). rollup_days counts
// the rollup deltas folded into each day (`changes`); a day's columns record the count they were
// built at, so a day whose count moved since is read from its sessions until it is rebuilt:
// breakdowns stay exact whatever the builder's lag. One row per column (the core, then each
// dimension), so a breakdown reads only the columns it names; each column repeats its count, so
// a column rebuilt between two reads is never taken for the one before. Same tables as
// PostgreSQL's 17.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE rollup_days ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE breakdown_days (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    changes INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    PRIMARY KEY (site, day)
  ) WITHOUT ROWID;
  -- A rowid table: its rows are large (a column of a busy day is tens of kilobytes).
  CREATE TABLE breakdown_columns (
    site INTEGER NOT NULL,
    part TEXT NOT NULL,
    day INTEGER NOT NULL,
    changes INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (site, part, day)
  );
`;
