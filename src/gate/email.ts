// Email addresses at the gate (pure; shared by the server and the CLI): normalise, validate, match
// the allow-list, and refer to them in logs without writing them in clear.

import { createHash } from 'node:crypto';

/** Trim and lower-case: API.md's normalisation, so one person is one key. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// A practical address check (RFC 5321 lengths, RFC 5322 dot-atom local part, a dotted DNS domain):
// strict enough to keep garbage out of the store and the mailer, loose enough for real addresses.
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  return (
    local.length <= 64 &&
    LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    !/^\d+$/.test(labels[labels.length - 1] ?? '')
  );
}

/** DWELL_GATE_ALLOW: empty lets anyone in; `name@x.com` matches that address, `@x.com` that domain. */
export function isAllowed(email: string, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  const domain = email.slice(email.lastIndexOf('@'));
  return allow.some((entry) => (entry.startsWith('@') ? entry === domain : entry === email));
}

/** How logs name a person: a short hash, stable enough to follow one person through the logs. */
export function emailRef(email: string): string {
  return `e:${createHash('sha256').update(email).digest('hex').slice(0, 12)}`;
}
