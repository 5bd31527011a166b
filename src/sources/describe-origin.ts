// One call per session start (issue #24): where the reader came from, on what device, from which
// country. Pure apart from the two data files it reads once, when the describer is made.

import { LRUCache } from 'lru-cache';
import { readLinkTags } from './campaign.ts';
import { readClientHints } from './client-hints.ts';
import { type DeviceDescription, describeDevice } from './device.ts';
import { type GeoLookup, NO_LOCATION, openGeoLookup } from './geo.ts';
import { type ClientHintHeaders, INPUT_LIMITS, type Origin, type OriginInput } from './origin-types.ts';
import { loadReferrerList } from './referrer-list.ts';
import { resolveSource } from './source.ts';

export interface OriginDescriberOptions {
  /**
   * Country lookups: on with the shipped database (the default), off (`false`, which the server
   * maps `DWELL_GEO=off` to), or on with another MMDB file, such as a city database for regions.
   */
  geo?: boolean | { databasePath: string } | undefined;
}

export type DescribeOrigin = (input: OriginInput) => Origin;

/**
 * Recent User-Agents (with their hints) and what they describe. Parsing one costs about 20 µs,
 * a fifth of a session start; the frozen User-Agents of today's browsers make a few hundred
 * strings cover nearly all readers, so a cache hit is the common case (bench/origin.ts measures
 * both). Bounded, and keyed by headers every visitor of a browser version shares, not by anything
 * personal.
 */
const DEVICE_CACHE_ENTRIES = 2_000;

/**
 * Reads the referrer list and opens the geo database (once, here: make one describer at server
 * start) and returns `describeOrigin`. Throws only here, and only for a broken install.
 */
export function createOriginDescriber(options: OriginDescriberOptions = {}): DescribeOrigin {
  const referrers = loadReferrerList();
  const geo = options.geo ?? true;
  const locate: GeoLookup =
    geo === false ? () => NO_LOCATION : openGeoLookup(geo === true ? undefined : geo.databasePath);
  const devices = new LRUCache<string, DeviceDescription>({ max: DEVICE_CACHE_ENTRIES });

  const describeDeviceOnce = (userAgent: unknown, hints: ClientHintHeaders): DeviceDescription => {
    const agent = typeof userAgent === 'string' ? userAgent.slice(0, INPUT_LIMITS.userAgent) : '';
    const key = `${agent}\n${hintKey(hints.secChUa)}\n${hintKey(hints.secChUaMobile)}\n${hintKey(hints.secChUaPlatform)}`;
    let device = devices.get(key);
    if (device === undefined) {
      device = describeDevice(agent, readClientHints(hints));
      devices.set(key, device);
    }
    return device;
  };

  return function describeOrigin(input: OriginInput): Origin {
    const entryUrl = parseEntryUrl(input.url);
    const tags = readLinkTags(entryUrl);
    const source = resolveSource(referrers, {
      entryUrl,
      referrer: input.referrer,
      siteHosts: Array.isArray(input.siteHosts) ? input.siteHosts : [],
      tags,
    });
    const device = describeDeviceOnce(input.userAgent, input.clientHints ?? {});
    const { country, region } = locate(input.clientAddress);
    return { ...source, utm: tags.utm, ...device, country, region };
  };
}

function hintKey(header: unknown): string {
  return typeof header === 'string' ? header.slice(0, INPUT_LIMITS.clientHint) : '';
}

function parseEntryUrl(url: string | null | undefined): URL | null {
  if (typeof url !== 'string') return null;
  const text = url.slice(0, INPUT_LIMITS.url);
  return URL.canParse(text) ? new URL(text) : null;
}
