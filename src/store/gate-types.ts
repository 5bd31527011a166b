// What the email gate keeps in the store (API.md "Email-gated access"): who was granted access to
// which session, per-person revocation, single-use verification links, and which ended sessions
// were already announced. The sessions themselves are ordinary cookie-only sessions.

/** One gate session's access, as a request's access cookie is checked against it. */
export interface GateAccess {
  email: string;
  expiresAt: number;
  /** Access issued at or before this time was revoked (`dwell gate revoke`); null if never. */
  revokedBefore: number | null;
}

export interface GateLink {
  /** SHA-256 of the token mailed in the link; the token itself is never stored. */
  tokenHash: Buffer;
  email: string;
  next: string;
  expiresAt: number;
}

export type LinkRedemption =
  | { kind: 'redeemed'; email: string; next: string }
  | { kind: 'not_found' }
  | { kind: 'used' }
  | { kind: 'expired' };

/** An email session that ended (final beat, revocation, or expiry), for the "session ended" webhook. */
export interface EndedGateSession {
  sessionId: string;
  email: string;
  startedAt: number;
  lastActivityAt: number;
  /** null when the session expired without a final beat. */
  endedAt: number | null;
  engagedMs: number;
  pages: { url: string; engagedMs: number; maxScroll: number | null }[];
}

export interface GateStore {
  /**
   * Ties an existing cookie-only session to an email until `expiresAt`. `firstVisit` is true when
   * this email never had access before (the "first open" webhook).
   */
  grantGateAccess(grant: {
    sessionId: string;
    email: string;
    issuedAt: number;
    expiresAt: number;
  }): Promise<{ firstVisit: boolean }>;
  getGateAccess(sessionId: string): Promise<GateAccess | null>;
  /** Ends every access of `email` issued up to `at` and ends its open sessions; counts those. */
  revokeGateAccess(email: string, at: number): Promise<{ sessionsEnded: number }>;
  createGateLink(link: GateLink, now: number): Promise<void>;
  /** Marks the link used, atomically: of two concurrent redemptions exactly one succeeds. */
  redeemGateLink(tokenHash: Buffer, now: number): Promise<LinkRedemption>;
  /**
   * Returns the gate sessions that ended (ended_at set) or expired (no beat for `timeoutMs`) and
   * were not announced yet, and marks them announced, so each is reported once.
   */
  claimEndedGateSessions(options: { now: number; timeoutMs: number }): Promise<EndedGateSession[]>;
}
