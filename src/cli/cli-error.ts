// The errors a command ends with on purpose: a one-line message and the exit code it means
// (2: the command was asked wrongly, as for an unknown command or a bad flag; 1: it could not be done).

import { SiteInputError } from '../sites/index.ts';
import { SiteConflictError } from '../store/site-types.ts';

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** A flag or argument that is missing, malformed or out of range. */
export const usageError = (message: string) => new CliError(message, 2);

/**
 * The exit code of an error a command threw. A site's bad or clashing field is bad input, as it is
 * a 400/409 to the API; so is anything node:util's parseArgs refuses (an unknown flag, a missing value).
 */
export function exitCodeOf(error: unknown): 1 | 2 {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof SiteInputError || error instanceof SiteConflictError) return 2;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return 2;
  return 1;
}
