// The flags of a site token or shared link (`dwell tokens`, `dwell links`), checked as the API's
// schemas check them (src/server/schemas/sites.ts).

import { usageError } from './cli-error.ts';

export const SITE_FLAG_HELP = '  --site       the site (may be left out while this Dwell has one site)\n';

/** 1 to 100 characters. */
export function checkName(name: string | undefined): string | undefined {
  const trimmed = name?.trim();
  if (trimmed !== undefined && (trimmed === '' || trimmed.length > 100)) {
    throw usageError('--name must be 1 to 100 characters');
  }
  return trimmed;
}

/** 8 to 200 characters: it guards a view of the site's numbers. */
export function checkPassword(password: string | undefined): string | undefined {
  if (password !== undefined && (password.length < 8 || password.length > 200)) {
    throw usageError('--password must be 8 to 200 characters');
  }
  return password;
}
