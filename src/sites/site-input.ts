// What an operator types for a site (issue #23), checked and normalised: its hosts, id, time
// zone and CORS origins. Every message names the field and says how to fix it.

/** One host a site is served from, optionally under a path (`bio.re/alice`). */
export interface HostPattern {
  /** Lowercase, punycode, no trailing dot, no port; IPv6 in brackets, as `URL#hostname` has it. */
  host: string;
  /** '' for the whole host, else '/alice': percent-encoded like `URL#pathname`, no trailing slash. */
  path: string;
}

export class SiteInputError extends Error {
  override readonly name = 'SiteInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_HOST_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const MAX_SITE_ID_LENGTH = 100;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `example.com`, `bio.re/alice`, `localhost`, `[::1]`, `bücher.de` → a HostPattern. `label` is
 * how messages refer to the value, e.g. `hosts[1]` when it came from a list.
 */
export function parseHostPattern(input: string, label = 'hosts'): HostPattern {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new SiteInputError('hosts', `${label} ${JSON.stringify(input)} ${why}`);
  };
  if (text === '') throw new SiteInputError('hosts', `${label} is empty: give a host name, e.g. example.com`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    fail(`has a scheme: leave out "${text.slice(0, text.indexOf(':') + 3)}" and give the host alone`);
  }
  if (text.includes('*')) fail('has a wildcard: list each host of the site instead');
  if (/\s/.test(text)) fail('is not a host name: it has a space');
  if (/[?#]/.test(text)) fail('has a query or fragment: give the host and, at most, a path');
  // URL would read `\` as `/` and `@` as the end of a user name: neither belongs in a host.
  if (/[@\\]/.test(text)) fail('is not a host name');

  const slash = text.indexOf('/');
  let hostPart = slash === -1 ? text : text.slice(0, slash);
  const pathPart = slash === -1 ? '' : text.slice(slash);
  if (/^[^[]*:.*:/.test(hostPart)) hostPart = `[${hostPart}]`; // a bare IPv6 address such as ::1
  if (/^(?:\[[^\]]*\]|[^[\]:]*):\d*$/.test(hostPart)) {
    fail('has a port: leave it out, hosts match on every port');
  }
  if (!URL.canParse(`http://${hostPart}/`)) fail('is not a host name');
  const url = new URL(`http://${hostPart}/`);
  if (url.port !== '' || url.username !== '') fail('is not a host name');

  const host = url.hostname.replace(/\.$/, '');
  if (!host.startsWith('[')) {
    if (host.length > MAX_HOST_LENGTH) fail(`is not a host name: longer than ${MAX_HOST_LENGTH} characters`);
    const labels = host.split('.');
    if (labels.some((l) => l === '')) fail('is not a host name: it has an empty label (a dot too many)');
    if (labels.some((l) => l.length > MAX_LABEL_LENGTH)) {
      fail(`is not a host name: a label is longer than ${MAX_LABEL_LENGTH} characters`);
    }
  }
  return { host, path: parsePath(pathPart, fail) };
}

function parsePath(pathPart: string, fail: (why: string) => never): string {
  const segments = pathPart.split('/').slice(1);
  // URL would resolve these (`%2e%2e` too) and quietly change the path.
  if (segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s))) fail('has "." or ".." in its path');
  // Trailing slashes say nothing (`bio.re/alice/` is `bio.re/alice`); empty segments inside do.
  while (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  if (segments.includes('')) fail('has an empty path segment ("//")');
  if (segments.length === 0) return '';
  // Encode as browsers do, so the path compares with a page's `URL#pathname`.
  return new URL(`http://h/${segments.join('/')}`).pathname;
}

/** The inverse of parseHostPattern: `bio.re/alice`. */
export function formatHostPattern(pattern: HostPattern): string {
  return pattern.host + pattern.path;
}

/** A list of hosts, at least one, each named by its index in messages, none twice. */
export function parseHostPatterns(inputs: readonly string[]): HostPattern[] {
  if (inputs.length === 0) throw new SiteInputError('hosts', 'hosts is empty: give at least one host name');
  const seen = new Set<string>();
  return inputs.map((input, i) => {
    const pattern = parseHostPattern(input, `hosts[${i}]`);
    const key = formatHostPattern(pattern);
    if (seen.has(key)) {
      throw new SiteInputError('hosts', `hosts[${i}] ${JSON.stringify(input)} is listed twice`);
    }
    seen.add(key);
    return pattern;
  });
}

/** 1–100 characters of a-z, 0-9, '.', '_', '-', beginning and ending with a letter or digit. */
export function parseSiteId(input: string): string {
  const id = input.trim().toLowerCase();
  if (id.length > MAX_SITE_ID_LENGTH) {
    throw new SiteInputError('id', `id is longer than ${MAX_SITE_ID_LENGTH} characters`);
  }
  if (!/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/.test(id)) {
    throw new SiteInputError(
      'id',
      `id ${JSON.stringify(input)} is not a site id: use letters, digits, ".", "_" and "-", beginning and ending with a letter or digit`,
    );
  }
  return id;
}

/**
 * The default id of a site from its main host: `bio.re/alice` → `bio.re-alice`. Always a valid id,
 * but not always unique (`bio.re/alice` and the host `bio.re-alice` share one): check before use.
 */
export function siteIdFor(pattern: HostPattern): string {
  const id = formatHostPattern(pattern)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, MAX_SITE_ID_LENGTH)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return id === '' ? 'site' : id;
}

let knownTimeZones: Map<string, string> | undefined;

/** Lowercase name → spelling, of every IANA zone this Node knows (UTC is not in ICU's list). */
function timeZoneNames(): Map<string, string> {
  knownTimeZones ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((z) => [z.toLowerCase(), z]));
  return knownTimeZones;
}

/** An IANA time zone name such as `Europe/Berlin`, spelt as Intl spells it. */
export function parseTimeZone(input: string): string {
  const text = input.trim();
  const offset = /^(?:utc|gmt|z)?\s*[+\-\u2212]\s*\d/i.test(text) || /^etc\/gmt[+-]\d/i.test(text);
  if (offset) {
    throw new SiteInputError(
      'timeZone',
      `timeZone ${JSON.stringify(input)} is a fixed offset, which does not follow daylight-saving changes: give a place's zone such as Europe/Berlin`,
    );
  }
  const known = timeZoneNames().get(text.toLowerCase());
  if (known !== undefined) return known;
  // Older names (Asia/Kolkata on Node 20's ICU, US/Pacific) are not in the list, but Intl knows
  // what they stand for: keep its canonical name for them.
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    // RangeError: Intl does not know the name; reported below.
  }
  if (text !== '' && resolved !== undefined && timeZoneNames().has(resolved.toLowerCase())) return resolved;
  throw new SiteInputError(
    'timeZone',
    `timeZone ${JSON.stringify(input)} is not an IANA time zone name such as Europe/Berlin or UTC`,
  );
}

/** `https://example.com` or `http://localhost:3000`: what a browser sends in `Origin`. */
export function parseOrigin(input: string, label = 'origins'): string {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new SiteInputError('origins', `${label} ${JSON.stringify(input)} ${why}`);
  };
  if (!/^https?:\/\//i.test(text)) fail('is not an origin: write it as https://example.com');
  if (text.includes('*')) fail('has a wildcard: list each origin instead');
  if (!URL.canParse(text)) fail('is not an origin: write it as https://example.com');
  const url = new URL(text);
  if (url.username !== '' || url.password !== '') fail('is not an origin: leave out the user name');
  // A lone trailing slash is how origins are often pasted; anything more is a page, not an origin.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
    fail('has a path: an origin is scheme, host and port only, e.g. https://example.com');
  }
  return url.origin;
}

/** A list of origins, deduplicated, each named by its index in messages. */
export function parseOrigins(inputs: readonly string[]): string[] {
  return [...new Set(inputs.map((input, i) => parseOrigin(input, `origins[${i}]`)))];
}

/** The origins a site's pages send from: each host over https, and over http for loopback hosts. */
export function defaultOrigins(hosts: readonly HostPattern[]): string[] {
  const origins = new Set<string>();
  for (const { host } of hosts) {
    origins.add(`https://${host}`);
    if (LOOPBACK_HOSTS.has(host)) origins.add(`http://${host}`);
  }
  return [...origins].sort();
}
