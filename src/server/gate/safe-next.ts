// `next` after the email form: only a path on this site, so the gate is never an open redirect.
// `https://evil`, `//evil`, `/\evil` and their encoded or whitespace-laced variants all fall back.

const BASE = 'http://dwell.invalid';

/** Returns `raw` as a normalised same-origin path, or `fallback` when it is anything else. */
export function safeNext(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return fallback;
  // Browsers treat `\` like `/` and drop tabs and newlines, so `/\evil.com` and `/\t/evil.com`
  // would be protocol-relative: refuse anything that is not a plain `/path` from the start.
  if (!raw.startsWith('/') || raw.startsWith('//') || hasBackslashOrControl(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // `/.//evil.com` parses to the path `//evil.com`: as a Location it would leave the site.
  if (url.pathname.startsWith('//')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasBackslashOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x5c || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
