// The beat journal's columns (the same in every engine) and their mapping to the fold's entries.

import type { JournalEntry } from '../fold/fold-plan.ts';
import type { BeatInput, SectionTime } from '../types.ts';

export interface JournalColumns {
  id: number;
  session_pk: number;
  at: number;
  seq: number | null;
  engaged_ms: number | null;
  visible_ms: number | null;
  url: string | null;
  scroll: number | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  final: number | boolean;
  /** JSON `[[name, engagedMs, position], …]`, or null. */
  sections: string | null;
}

/** A journal row's values, in JournalColumns order from `session_pk` on. */
export function journalValues(sessionPk: number, at: number, beat: BeatInput) {
  return {
    sessionPk,
    at,
    seq: beat.seq ?? null,
    engagedMs: beat.engagedMs ?? null,
    visibleMs: beat.visibleMs ?? null,
    url: beat.url ?? null,
    scroll: beat.scroll ?? null,
    final: beat.final ? 1 : 0,
    sections: beat.sections?.length
      ? JSON.stringify(beat.sections.map((s) => [s.name, s.engagedMs, s.position]))
      : null,
  };
}

export function toJournalEntry(raw: JournalColumns): JournalEntry {
  const beat: JournalEntry['beat'] = {};
  if (raw.seq !== null) beat.seq = Number(raw.seq);
  if (raw.engaged_ms !== null) beat.engagedMs = Number(raw.engaged_ms);
  if (raw.visible_ms !== null) beat.visibleMs = Number(raw.visible_ms);
  if (raw.url !== null) beat.url = raw.url;
  if (raw.scroll !== null) beat.scroll = raw.scroll;
  if (raw.final) beat.final = true;
  if (raw.sections !== null) {
    beat.sections = (JSON.parse(raw.sections) as [string, number, number][]).map(
      ([name, engagedMs, position]): SectionTime => ({ name, engagedMs, position }),
    );
  }
  return { id: Number(raw.id), sessionPk: Number(raw.session_pk), at: Number(raw.at), beat };
}
