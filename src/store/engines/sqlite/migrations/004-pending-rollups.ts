// SQLite migration 4: beats append their rollup deltas to rollup_pending, folded in bulk.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  CREATE TABLE rollup_pending (
    day INTEGER NOT NULL,
    vid INTEGER,
    old_ms INTEGER NOT NULL,
    new_ms INTEGER NOT NULL,
    last_at INTEGER NOT NULL
  );
  DROP TRIGGER sessions_rollup_beat;
  
  CREATE TRIGGER sessions_rollup_beat AFTER UPDATE OF engaged_ms, last_activity_at ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS coalesce('e:' || new.email, 'v:' || new.visitor_id) AND old.started_at = new.started_at
    AND (new.engaged_ms <> old.engaged_ms OR new.last_activity_at <> old.last_activity_at) BEGIN
    INSERT INTO rollup_pending (day, vid, old_ms, new_ms, last_at)
      VALUES ((new.started_at / 86400000), (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id)), old.engaged_ms, new.engaged_ms, new.last_activity_at);
  END;
`;
