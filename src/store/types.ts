// The Store interface, in domain words. Routes, the CLI and the benchmarks depend on this file
// only; one implementation (store.ts) serves every engine (engines/), and the shared
// contract suite in test/store/ proves it on both.

import type { Beat } from '../accounting/credit-beat.ts';
import type { GateStore } from './gate-types.ts';
import type { QueryStore, SiteScope } from './query-types.ts';
import type { SectionTime, SessionDetail } from './records.ts';
import type { SiteStore } from './site-types.ts';

export type { PageTotal, SectionTime, SessionDetail, SessionRecord } from './records.ts';

export interface NewSession {
  /**
   * The site it belongs to, whose calendar gives the day it counts on. Left out by store-level
   * tests only: FIRST_SITE (the server always decides a site first).
   */
  site?: SiteScope | undefined;
  /** Public, unguessable id (≥ 122 random bits). */
  id: string;
  /** SHA-256 of the beat token; null for sessions that beat by cookie only (the gate). */
  tokenHash: Buffer | null;
  /** Gate sessions: beats count only through the cookie-authenticated route. */
  cookieOnly?: boolean;
  email: string | null;
  /** The client's own visitor id if it sent one, else the daily-salted visitor key. */
  visitorId: string | null;
  entryUrl: string | null;
  referrer: string | null;
  screen: string | null;
  lang: string | null;
  /** Where it came from, on what device, from which country (src/sources/), and its entry path. */
  origin?: SessionOrigin | undefined;
}

/** A session's origin as the store keeps it (issue #24): every value cut to ORIGIN_LIMITS already. */
export interface SessionOrigin {
  source: string | null;
  sourceCategory: string;
  referrerHost: string | null;
  utm: {
    source: string | null;
    medium: string | null;
    campaign: string | null;
    content: string | null;
    term: string | null;
  };
  entryPath: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  country: string | null;
  region: string | null;
}

export interface BeatInput extends Beat {
  sessionId: string;
  /**
   * SHA-256 of the token the client presented. Undefined for a seed beat (no token), which the
   * route lets through only while DWELL_LEGACY_BEATS is on; cookie-authenticated beats (the gate)
   * pass `trusted: true` instead.
   */
  tokenHash?: Buffer | undefined;
  trusted?: boolean;
  /** Engaged time per marked section of the page, in page order (the attention map). */
  sections?: SectionTime[] | undefined;
}

/**
 * The answer to a beat. `accepted` means it is appended to the journal and committed: the fold
 * credits it by the accounting rules shortly after (and before any read).
 */
export type BeatResult =
  | { kind: 'accepted' }
  | { kind: 'not_found' }
  | { kind: 'forbidden' }
  | { kind: 'expired' };

/** One beat as the fold credited it: what the live view and the metrics are told. */
export interface FoldedBeat {
  sessionId: string;
  creditedMs: number;
  /** The session's engaged time after it. */
  engagedMs: number;
  duplicate: boolean;
}

export interface Store extends GateStore, QueryStore, SiteStore {
  readonly engine: 'sqlite' | 'postgres';
  /** The store's clock (the database's for PostgreSQL), in epoch ms. */
  now(): Promise<number>;
  /** Applies pending migrations. Idempotent; called at start. */
  migrate(): Promise<void>;
  createSession(session: NewSession): Promise<{ startedAt: number }>;
  /**
   * Authenticates one beat and appends it to the journal. Resolves only after the append is
   * committed, so a `200` built from the result is durable; the fold credits it.
   */
  recordBeat(beat: BeatInput): Promise<BeatResult>;
  /**
   * Folds every journaled beat into sessions, pages, spans and rollups (fold.ts). The store does it
   * on a timer and before every read; callers use it to read their own writes at once.
   */
  fold(): Promise<number>;
  /**
   * Called after each committed batch that journaled beats, with their number: the live view
   * refreshes at once (its read folds them) rather than when the session's beats are folded.
   */
  onAppended(listener: (count: number) => void): () => void;
  /** Called after each fold with the beats it credited, in journal order (the live view). */
  onFolded(listener: (beats: FoldedBeat[]) => void): () => void;
  /**
   * Called when a fold on the store's timer fails (a full disk, the database down). The beats stay
   * journaled for the next fold or read; the server logs and counts each failure.
   */
  onBackgroundError(listener: (error: unknown) => void): () => void;
  getSession(id: string): Promise<SessionDetail | null>;
  /** The salt for visitor keys on `day` (YYYY-MM-DD), created on first use; older salts are deleted. */
  dailySalt(day: string): Promise<Buffer>;
  /** Throws StoreUnavailableError when the database cannot be reached. */
  ping(): Promise<void>;
  /** Finishes pending writes, then releases the database. */
  close(): Promise<void>;
}
