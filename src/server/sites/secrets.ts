// The secrets of site access (issue #23): site tokens and shared links are random, shown once,
// and kept as SHA-256 digests; a shared link's optional password is kept as a scrypt hash (salted,
// slow on purpose: it is the one secret here a person chooses).

import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

export const digest = (value: string) => createHash('sha256').update(value).digest();

/** A new site token: `dws_` and 192 random bits. */
export function newSiteToken(): { id: string; token: string; tokenHash: Buffer } {
  const token = `dws_${randomBytes(24).toString('base64url')}`;
  return { id: randomBytes(6).toString('hex'), token, tokenHash: digest(token) };
}

/** A new shared link: its id (listed) and its secret (in the URL, 192 random bits). */
export function newShareLink(): { id: string; secret: string; secretHash: Buffer } {
  const secret = randomBytes(24).toString('base64url');
  return { id: randomBytes(6).toString('hex'), secret, secretHash: digest(secret) };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}
