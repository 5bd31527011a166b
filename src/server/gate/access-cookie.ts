// The gate's two cookies. `session_record_id` (the blueprint's, readable by scripts) names the
// session; `dwell_access` (HttpOnly, HMAC-signed) proves the holder was let in: it binds that
// session id, the email, the time it was issued (so `dwell gate revoke` ends it) and its expiry.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { signerFactory } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GateStore } from '../../store/gate-types.ts';

export const RECORD_COOKIE = 'session_record_id';
export const ACCESS_COOKIE = 'dwell_access';

export interface AccessGrant {
  sessionId: string;
  email: string;
  issuedAt: number;
  expiresAt: number;
}

export class AccessCookies {
  private readonly signer: ReturnType<typeof signerFactory>;
  private readonly emailKey: Buffer;

  constructor(
    secret: string,
    private readonly options: { secure: boolean },
  ) {
    this.signer = signerFactory(secret);
    this.emailKey = createHmac('sha256', secret).update('dwell-gate-email').digest();
  }

  /** Sets both cookies on the reply; they live as long as the access. */
  set(reply: FastifyReply, grant: AccessGrant, now: number): void {
    const common: CookieSerializeOptions = {
      path: '/',
      sameSite: 'strict',
      secure: this.options.secure,
      maxAge: Math.max(0, Math.floor((grant.expiresAt - now) / 1000)),
    };
    const payload = ['v1', grant.sessionId, grant.issuedAt, grant.expiresAt, this.emailTag(grant.email)].join(
      '|',
    );
    reply.setCookie(RECORD_COOKIE, grant.sessionId, { ...common, httpOnly: false });
    reply.setCookie(ACCESS_COOKIE, this.signer.sign(payload), { ...common, httpOnly: true });
  }

  /**
   * The session this request may read and beat for, or null: the signature must verify (in
   * constant time), the access must not have expired, and the store must still tie that session
   * to the same email, not revoked since the cookie was issued.
   */
  async verify(request: FastifyRequest, store: GateStore, now: number): Promise<AccessGrant | null> {
    const raw = request.cookies[ACCESS_COOKIE];
    if (!raw || raw.length > 512) return null;
    const unsigned = this.signer.unsign(raw);
    if (!unsigned.valid || unsigned.value === null) return null;
    const [version, sessionId, issued, expires, tag] = unsigned.value.split('|');
    const issuedAt = Number(issued);
    const expiresAt = Number(expires);
    if (version !== 'v1' || !sessionId || !tag || !Number.isFinite(issuedAt) || !(expiresAt > now))
      return null;
    const access = await store.getGateAccess(sessionId);
    if (!access || access.expiresAt <= now) return null;
    if (!safeEqual(tag, this.emailTag(access.email))) return null;
    if (access.revokedBefore !== null && issuedAt <= access.revokedBefore) return null;
    return { sessionId, email: access.email, issuedAt, expiresAt };
  }

  private emailTag(email: string): string {
    return createHmac('sha256', this.emailKey).update(email).digest('base64url').slice(0, 22);
  }
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
