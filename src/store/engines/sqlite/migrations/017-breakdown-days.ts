// SQLite migration 17: breakdowns by origin from one compact segment per (site, day) instead of a
// scan of the range's sessions (issue #24; src/store/breakdowns/ says how). rollup_days counts the
// rollup deltas folded into each day (`changes`); a segment records the count it was built at, so a
// day whose count moved since is read from its sessions until the segment is rebuilt: breakdowns
// stay exact whatever the builder's lag. Same tables as PostgreSQL's migration 17.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  ALTER TABLE rollup_days ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE breakdown_days (
    site INTEGER NOT NULL,
    day INTEGER NOT NULL,
    changes INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    segment BLOB NOT NULL,
    PRIMARY KEY (site, day)
  ) WITHOUT ROWID;
`;
