// Secrets that default to "generated once and kept in the data folder": the admin token, the
// cookie secret and the webhook signing secret. Files are created with mode 0600 and never logged.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the configured value, else the one kept in `dataDir/name`, else a new one (and says so). */
export function resolveSecret(
  dataDir: string,
  name: string,
  configured: string | null,
  generate: () => string = () => randomBytes(24).toString('base64url'),
): { value: string; generatedPath: string | null } {
  if (configured) return { value: configured, generatedPath: null };
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), generatedPath: null };
  mkdirSync(dataDir, { recursive: true });
  const value = generate();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, generatedPath: path };
}
