// Aligned text tables and durations for the CLI's human output (`--json` prints the API's objects).

import { dayStart, parseDayName } from '../sites/index.ts';
import { usageError } from './cli-error.ts';

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** A record as `label  value` lines, labels aligned (a site's settings, a new token). */
export function fields(pairs: [label: string, value: string][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return `${pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join('\n')}\n`;
}

/** An instant as the tables show it: `2026-11-01 09:30` (UTC), or `never` for none. */
export function formatInstant(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** 151000 → "2m 31s". */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `90d`, `12h`, `2w` → that long before now; a date → the first instant of that day in `timeZone`
 * (the site's: its days are the ones its stats count); a date-time → that instant.
 */
export function parseSince(value: string, now: number, timeZone = 'UTC'): number {
  const match = /^(\d+)(m|h|d|w)$/.exec(value);
  if (match) return now - Number(match[1]) * (UNITS[match[2]!] ?? 0);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseDayName(value) : null;
  const ms =
    day !== null ? dayStart(day, timeZone) : /^\d{4}-\d{2}-\d{2}[T ]/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw usageError(`--since "${value}" is not a duration like 30d or a date like 2026-11-01`);
  return ms;
}
