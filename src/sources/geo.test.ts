import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { locationOfRecord, openGeoLookup, publicAddress } from './geo.ts';

// The real shipped database, opened once for the file.
const locate = openGeoLookup();

// Addresses whose country has not moved in decades: public DNS resolvers run from one country and
// university and registry networks (RIPE NCC in Amsterdam, LRZ Munich, Cambridge, Tokyo, DFN,
// SUNET). Anycast resolvers such as 1.1.1.1 are left out: DB-IP places them where the block is
// registered, which is not where their users are and has changed before.
const KNOWN: readonly [string, string][] = [
  ['8.8.8.8', 'US'],
  ['9.9.9.9', 'US'],
  ['208.67.222.222', 'US'],
  ['193.0.6.139', 'NL'],
  ['129.187.255.1', 'DE'],
  ['131.111.8.46', 'GB'],
  ['133.11.0.1', 'JP'],
  ['2001:638:1::1', 'DE'],
  ['2001:67c:2e8:22::c100:68b', 'NL'],
  ['2001:6b0:e:2018::1', 'SE'],
];

describe('openGeoLookup with the shipped DB-IP country database', () => {
  for (const [address, country] of KNOWN) {
    it(`places ${address} in ${country}`, () => {
      assert.deepEqual(locate(address), { country, region: null });
    });
  }

  it('reads an IPv4 address written as IPv6, as a dual-stack socket reports it', () => {
    assert.deepEqual(locate('::ffff:8.8.8.8'), { country: 'US', region: null });
    assert.deepEqual(locate('::FFFF:129.187.255.1'), { country: 'DE', region: null });
  });

  for (const address of [
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '::1',
    '::ffff:127.0.0.1',
    '100.64.0.1',
    '169.254.1.1',
    'fe80::1',
    'fe80::1%eth0',
    'fd00::1',
    '2001:db8::1',
    '0.0.0.0',
    '::',
    '224.0.0.1',
    '255.255.255.255',
  ]) {
    it(`gives no country for the private or reserved address ${address}`, () => {
      assert.deepEqual(locate(address), { country: null, region: null });
    });
  }

  for (const address of [
    undefined,
    null,
    '',
    'not-an-ip',
    '8.8.8.8.8',
    '999.1.1.1',
    '8.8.8.8:443',
    `${'1'.repeat(10_000)}`,
  ]) {
    it(`gives no country for the malformed address ${JSON.stringify(address)?.slice(0, 30)}`, () => {
      assert.deepEqual(locate(address), { country: null, region: null });
    });
  }

  it('returns a location, never the address', () => {
    assert.deepEqual(Object.keys(locate('8.8.8.8')).sort(), ['country', 'region']);
  });
});

describe('openGeoLookup with a broken install', () => {
  it('fails at once with a clear message naming DWELL_GEO=off', () => {
    assert.throws(
      () => openGeoLookup('/nonexistent/country.mmdb'),
      /cannot open the geo database.*DWELL_GEO=off/,
    );
    const notMmdb = join(tmpdir(), `dwell-geo-${process.pid}.mmdb`);
    writeFileSync(notMmdb, 'this is not a MaxMind database');
    try {
      assert.throws(() => openGeoLookup(notMmdb), /cannot open the geo database/);
    } finally {
      rmSync(notMmdb, { force: true });
    }
  });
});

describe('publicAddress', () => {
  it('normalises what the database is keyed by', () => {
    assert.equal(publicAddress('::ffff:8.8.8.8'), '8.8.8.8');
    assert.equal(publicAddress('2001:0638:0001:0000::0001'), '2001:638:1::1');
  });

  it('refuses the special blocks inside global unicast IPv6, which its fast path must not let through', () => {
    for (const address of [
      '2001:db8::1',
      '2001:db8:ffff::1',
      '3fff::1',
      '2001::1',
      '2001:1ff::1',
      '2002:c000:0204::1',
    ]) {
      assert.equal(publicAddress(address), null, address);
    }
    for (const address of ['2001:200::1', '2a00:1450:4001::1', '2600::1', '3ffe:ffff::1']) {
      assert.equal(publicAddress(address), address, address);
    }
  });
});

describe('locationOfRecord', () => {
  it("reads ip-location-db's flat records", () => {
    assert.deepEqual(locationOfRecord({ country_code: 'de' }), { country: 'DE', region: null });
    assert.deepEqual(locationOfRecord({ country_code: 'US', state1: 'California', city: 'Mountain View' }), {
      country: 'US',
      region: 'California',
    });
  });

  it("reads MaxMind's GeoIP2 records, so an operator may point Dwell at a city database", () => {
    const record = {
      country: { iso_code: 'FR', names: { en: 'France' } },
      subdivisions: [{ iso_code: 'IDF', names: { en: 'Île-de-France' } }],
    };
    assert.deepEqual(locationOfRecord(record), { country: 'FR', region: 'Île-de-France' });
  });

  it('leaves out what is not a two-letter code or a usable region', () => {
    assert.deepEqual(locationOfRecord({ country_code: 'EU1' }), { country: null, region: null });
    assert.deepEqual(locationOfRecord({ country: 'DE', subdivisions: 'x' }), { country: null, region: null });
    assert.deepEqual(locationOfRecord({ country_code: 'DE', state1: 'R'.repeat(500) }).region?.length, 100);
  });
});
