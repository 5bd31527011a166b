// Public session ids: 12 hex digits of the start time (ms) followed by 128 random bits (32 hex
// digits). The random part makes an id unguessable (API.md asks for ≥ 122 bits, a UUID v4 has
// exactly 122); the time prefix makes ids of recent sessions sort together, so the unique index on
// the id keeps the sessions that receive beats in a few hot pages instead of scattering them over
// the whole index (SQLite and PostgreSQL alike). The same layout as UUID v7, with more randomness.

import { randomBytes } from 'node:crypto';

export const SESSION_ID_PATTERN = /^[0-9a-f]{44}$/;

export function newSessionId(now: number = Date.now()): string {
  return (
    Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12) + randomBytes(16).toString('hex')
  );
}
