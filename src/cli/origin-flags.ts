// The origin filters of the reading commands (issue #24): one flag per breakdown dimension
// (`--source "Hacker News" --country DE`, combined with AND), as the API's `source=`, `country=`….

import { DIMENSIONS, type Dimension, NONE, type OriginFilter } from '../store/breakdown-types.ts';
import { usageError } from './cli-error.ts';

/** `utm_campaign` → `--utm-campaign`: flags are kebab-case, the API's parameters snake_case. */
const flagOf = (dimension: Dimension) => dimension.replaceAll('_', '-');

/** The longest value the API's schemas accept for an origin filter. */
const VALUE_LIMIT = 300;

/** parseArgs options, one string flag per dimension. */
export const ORIGIN_FLAG_OPTIONS = Object.fromEntries(
  DIMENSIONS.map((d) => [flagOf(d), { type: 'string' as const }]),
) as Record<string, { type: 'string' }>;

/** `items` joined by `separator` in lines of at most 100 characters, each line after `indent`. */
export function wrapList(items: readonly string[], separator: string, indent: string): string {
  const lines = [indent];
  for (const item of items) {
    const last = lines.length - 1;
    const joined = lines[last] === indent ? `${indent}${item}` : `${lines[last]}${separator}${item}`;
    if (joined.length <= 100) lines[last] = joined;
    else {
      lines[last] += separator.trimEnd();
      lines.push(`${indent}${item}`);
    }
  }
  return lines.map((line) => line.trimEnd()).join('\n');
}

export const ORIGIN_FLAG_HELP = `
Origin filters, one flag per dimension (combined with AND; ${NONE} matches sessions without
one), for example --source "Hacker News" --country DE:
${wrapList(
  DIMENSIONS.map((d) => `--${flagOf(d)} VALUE`),
  '  ',
  '  ',
)}
`;

/** The origin filter the flags give, or undefined when they give none. */
export function originFilterOfFlags(values: Record<string, unknown>): OriginFilter | undefined {
  const filter: OriginFilter = {};
  for (const dimension of DIMENSIONS) {
    const value = values[flagOf(dimension)];
    if (typeof value !== 'string') continue;
    if (value === '' || value.length > VALUE_LIMIT)
      throw usageError(`--${flagOf(dimension)} must be 1 to ${VALUE_LIMIT} characters`);
    // Countries are stored upper case (ISO 3166-1 alpha-2); `--country de` means DE.
    filter[dimension] = dimension === 'country' && value !== NONE ? value.toUpperCase() : value;
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}
