import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readClientHints } from './client-hints.ts';

describe('readClientHints', () => {
  it("reads Chrome's hints on Windows", () => {
    assert.deepEqual(
      readClientHints({
        secChUa: '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
        secChUaMobile: '?0',
        secChUaPlatform: '"Windows"',
      }),
      { brand: 'Chrome', mobile: false, platform: 'Windows' },
    );
  });

  it('names the browser behind a Chrome User-Agent (Brave, Edge, Opera, Samsung Internet)', () => {
    const brand = (secChUa: string) => readClientHints({ secChUa }).brand;
    assert.equal(brand('"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"'), 'Brave');
    assert.equal(
      brand('"Microsoft Edge";v="131", "Chromium";v="131", "Not_A Brand";v="24"'),
      'Microsoft Edge',
    );
    assert.equal(brand('"Opera";v="115", "Chromium";v="130", "Not?A_Brand";v="24"'), 'Opera');
    assert.equal(
      brand('"Not A(Brand";v="99", "Samsung Internet";v="25.0", "Chromium";v="121"'),
      'Samsung Internet',
    );
  });

  it('falls back to Chromium when no other brand is sent, and ignores GREASE in any position', () => {
    assert.equal(readClientHints({ secChUa: '"Not/A)Brand";v="8", "Chromium";v="126"' }).brand, 'Chromium');
    assert.equal(readClientHints({ secChUa: '"Not.A/Brand";v="99"' }).brand, null);
  });

  it('reads a phone and the Android and Chrome OS platforms', () => {
    assert.deepEqual(readClientHints({ secChUaMobile: '?1', secChUaPlatform: '"Android"' }), {
      brand: null,
      mobile: true,
      platform: 'Android',
    });
    assert.equal(readClientHints({ secChUaPlatform: '"Chromium OS"' }).platform, 'Chrome OS');
    assert.equal(readClientHints({ secChUaPlatform: '"Unknown"' }).platform, null);
  });

  it('treats a malformed or oversized hint as one not sent', () => {
    assert.deepEqual(
      readClientHints({ secChUa: '"unterminated', secChUaMobile: 'yes', secChUaPlatform: 'Windows' }),
      { brand: null, mobile: null, platform: null },
    );
    assert.deepEqual(readClientHints({ secChUa: `"${'x'.repeat(10_000)}";v="1"` }).brand, null);
    assert.deepEqual(readClientHints({}), { brand: null, mobile: null, platform: null });
  });

  it('cuts an unknown brand to the browser limit', () => {
    assert.equal(readClientHints({ secChUa: `"${'B'.repeat(300)}";v="1"` }).brand?.length, 50);
  });
});
