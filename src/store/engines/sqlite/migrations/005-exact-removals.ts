// SQLite migration 5: removals recompute a visitor-day's first and last activity.
// Frozen: the text applied by every install since it shipped. Never edit it; add a migration.

export default `
  DROP TRIGGER sessions_rollup_delete;
  DROP TRIGGER sessions_rollup_move;
  
  CREATE TRIGGER sessions_rollup_delete AFTER DELETE ON sessions BEGIN 
    UPDATE rollup_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000);
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = (old.started_at / 86400000) AND seconds = old.engaged_ms / 1000;
    UPDATE rollup_visitor_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
    DELETE FROM rollup_visitor_days WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id)) AND sessions <= 0;
    UPDATE rollup_visitor_days SET
        first_at = coalesce((SELECT min(o.started_at) FROM sessions o WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || old.email, 'v:' || old.visitor_id)
        AND o.started_at >= (old.started_at / 86400000) * 86400000 AND o.started_at < ((old.started_at / 86400000) + 1) * 86400000), first_at),
        last_at = coalesce((SELECT max(o.last_activity_at) FROM sessions o WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || old.email, 'v:' || old.visitor_id)
        AND o.started_at >= (old.started_at / 86400000) * 86400000 AND o.started_at < ((old.started_at / 86400000) + 1) * 86400000), last_at)
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
  END;
  -- Rare: a session changes person (an email attached later) or start: move it as a whole.
  CREATE TRIGGER sessions_rollup_move AFTER UPDATE OF email, visitor_id, started_at ON sessions
  WHEN coalesce('e:' || old.email, 'v:' || old.visitor_id) IS NOT coalesce('e:' || new.email, 'v:' || new.visitor_id) OR old.started_at <> new.started_at BEGIN 
    UPDATE rollup_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000);
    UPDATE rollup_durations SET sessions = sessions - 1
      WHERE day = (old.started_at / 86400000) AND seconds = old.engaged_ms / 1000;
    UPDATE rollup_visitor_days SET sessions = sessions - 1, engaged_ms = engaged_ms - old.engaged_ms
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
    DELETE FROM rollup_visitor_days WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id)) AND sessions <= 0;
    UPDATE rollup_visitor_days SET
        first_at = coalesce((SELECT min(o.started_at) FROM sessions o WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || old.email, 'v:' || old.visitor_id)
        AND o.started_at >= (old.started_at / 86400000) * 86400000 AND o.started_at < ((old.started_at / 86400000) + 1) * 86400000), first_at),
        last_at = coalesce((SELECT max(o.last_activity_at) FROM sessions o WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || old.email, 'v:' || old.visitor_id)
        AND o.started_at >= (old.started_at / 86400000) * 86400000 AND o.started_at < ((old.started_at / 86400000) + 1) * 86400000), last_at)
      WHERE day = (old.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || old.email, 'v:' || old.visitor_id));
    
    INSERT INTO rollup_days (day, sessions, engaged_ms) VALUES ((new.started_at / 86400000), 1, new.engaged_ms)
      ON CONFLICT (day) DO UPDATE SET sessions = sessions + 1, engaged_ms = engaged_ms + excluded.engaged_ms;
    INSERT INTO rollup_durations (day, seconds, sessions) VALUES ((new.started_at / 86400000), new.engaged_ms / 1000, 1)
      ON CONFLICT (day, seconds) DO UPDATE SET sessions = sessions + 1;
    INSERT OR IGNORE INTO visitors (who) SELECT coalesce('e:' || new.email, 'v:' || new.visitor_id) WHERE coalesce('e:' || new.email, 'v:' || new.visitor_id) IS NOT NULL;
    INSERT OR IGNORE INTO rollup_visitor_days (day, vid, sessions, engaged_ms, first_at, last_at, overlaps, prev_day)
      SELECT (new.started_at / 86400000), v.vid, 0, 0, new.started_at, new.last_activity_at, 0,
        (SELECT max(r.day) FROM rollup_visitor_days r WHERE r.vid = v.vid AND r.day < (new.started_at / 86400000))
      FROM visitors v WHERE v.who = coalesce('e:' || new.email, 'v:' || new.visitor_id);
    UPDATE rollup_visitor_days SET
        prev_day = (new.started_at / 86400000)
      WHERE vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id))
        AND day = (SELECT min(r.day) FROM rollup_visitor_days r WHERE r.vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id)) AND r.day > (new.started_at / 86400000))
        AND (prev_day IS NULL OR prev_day < (new.started_at / 86400000));
    UPDATE rollup_visitor_days SET
        sessions = sessions + 1,
        engaged_ms = engaged_ms + new.engaged_ms,
        first_at = min(first_at, new.started_at),
        last_at = max(last_at, new.last_activity_at),
        overlaps = overlaps + EXISTS (
          SELECT 1 FROM sessions o
          WHERE coalesce('e:' || o.email, 'v:' || o.visitor_id) = coalesce('e:' || new.email, 'v:' || new.visitor_id) AND o.pk <> new.pk
            AND o.started_at BETWEEN new.started_at - 86400000 AND new.last_activity_at
            AND o.last_activity_at >= new.started_at - 7200000)
      WHERE day = (new.started_at / 86400000) AND vid = (SELECT vid FROM visitors WHERE who = coalesce('e:' || new.email, 'v:' || new.visitor_id));
  END;
`;
