// What the email gate keeps in the store (API.md "Email-gated access"): who was granted access to
// which session, per-person revocation, single-use verification links, which ended sessions were
// already announced, and the outbox of webhook events not delivered yet. The sessions themselves
// are ordinary cookie-only sessions.

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
  /** Its site's pk (the webhook names the site by its id). */
  site: number;
  email: string;
  startedAt: number;
  lastActivityAt: number;
  /** null when the session expired without a final beat. */
  endedAt: number | null;
  engagedMs: number;
  /** Most engaged first, each with its marked sections in page order ([] where none). */
  pages: {
    url: string;
    engagedMs: number;
    maxScroll: number | null;
    sections: { name: string; engagedMs: number }[];
  }[];
}

/** A webhook event for the outbox, written in the transaction of the change it announces. */
export interface OutboxMessage {
  /** The Standard Webhooks `webhook-id`: the same on every attempt, receivers deduplicate on it. */
  id: string;
  event: string;
  /** The JSON body, exactly as it is signed and sent. */
  body: string;
}

/** An outbox message leased for one delivery attempt (claimWebhooks). */
export interface WebhookAttempt extends OutboxMessage {
  /** 1 on the first attempt; counted when claimed, so an attempt cut short by a crash counts too. */
  attempt: number;
}

export interface GateStore {
  /**
   * Ties an existing cookie-only session to an email until `expiresAt`. `firstVisit` is true when
   * this email never had access before (the "first open" webhook); then `announce`, when given,
   * joins the outbox in the same transaction.
   */
  grantGateAccess(
    grant: {
      sessionId: string;
      email: string;
      issuedAt: number;
      expiresAt: number;
    },
    announce?: OutboxMessage,
  ): Promise<{ firstVisit: boolean }>;
  getGateAccess(sessionId: string): Promise<GateAccess | null>;
  /** Ends every access of `email` issued up to `at` and ends its open sessions; counts those. */
  revokeGateAccess(email: string, at: number): Promise<{ sessionsEnded: number }>;
  createGateLink(link: GateLink, now: number): Promise<void>;
  /** Marks the link used, atomically: of two concurrent redemptions exactly one succeeds. */
  redeemGateLink(tokenHash: Buffer, now: number): Promise<LinkRedemption>;
  /**
   * Returns the gate sessions that ended (ended_at set) or expired (no beat for `timeoutMs`) and
   * were not announced yet, and marks them announced, so each is reported once. `announce`, when
   * given, makes each one's outbox message, written in the same transaction.
   */
  claimEndedGateSessions(options: {
    now: number;
    timeoutMs: number;
    announce?: (session: EndedGateSession) => OutboxMessage;
  }): Promise<EndedGateSession[]>;
  /**
   * Leases up to `limit` outbox messages due at `now` for one attempt each: they are not due again
   * before `now + leaseMs` (a crashed deliverer's lease runs out, and the message is retried), and
   * of several instances claiming at once each message goes to one.
   */
  claimWebhooks(options: { now: number; limit: number; leaseMs: number }): Promise<WebhookAttempt[]>;
  /** Delivered, or given up: the message leaves the outbox. */
  deleteWebhook(id: string): Promise<void>;
  /**
   * A failed attempt: the message is due again at `retryAt`. Ignored when `attempt` is no longer
   * the message's latest (its lease ran out and another attempt took it).
   */
  rescheduleWebhook(id: string, attempt: number, retryAt: number, error: string): Promise<void>;
}
