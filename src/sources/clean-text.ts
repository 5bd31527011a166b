// Turns an untrusted string (a UTM value, a tag, a parser's answer) into something safe to store:
// printable, trimmed, cut to a limit, or null when nothing is left.

// C0 and C1 control characters and DEL: PostgreSQL refuses NUL in text outright, and the others
// only garble a dashboard row or a CSV export.
const CONTROL_CHARACTERS = /\p{Cc}/gu;
// A surrogate without its partner is not valid UTF-8, so it cannot be stored either.
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The value cleaned and cut to `max` UTF-16 code units, or null if it is not a string or is blank. */
export function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  // Cut a generous slice first so a 10 kB value costs no more than a short one.
  const cleaned = value
    .slice(0, max * 2 + 16)
    .replace(CONTROL_CHARACTERS, '')
    .replace(LONE_SURROGATES, '')
    .trim();
  // Cut before the blank test: a limit that falls inside the first emoji leaves nothing.
  const cut = cutText(cleaned, max);
  return cut === '' ? null : cut;
}

/** At most `max` UTF-16 code units, never splitting a surrogate pair (an emoji stays whole or goes). */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return value.slice(0, end).trimEnd();
}
