import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionDirectory } from './session-directory.ts';

const row = (pk: number) => ({ pk, tokenHash: null, cookieOnly: false, lastActivityAt: pk });

describe('SessionDirectory', () => {
  it('remembers up to its capacity, keeping what was looked up recently', () => {
    const directory = new SessionDirectory(4);
    directory.remember('a', row(1));
    directory.remember('b', row(2));
    directory.remember('c', row(3)); // a and b become the old generation
    assert.equal(directory.get('a')?.pk, 1, 'a lookup moves an old entry to the new generation');
    directory.remember('d', row(4)); // c and a become old, b is dropped
    assert.equal(directory.get('b'), undefined);
    assert.equal(directory.get('a')?.pk, 1);
    assert.equal(directory.get('c')?.pk, 3);
  });

  it('never holds more than its capacity', () => {
    const directory = new SessionDirectory(100);
    for (let i = 0; i < 1_000; i++) directory.remember(`s${i}`, row(i));
    const held = Array.from({ length: 1_000 }, (_, i) => directory.get(`s${i}`)).filter(Boolean);
    assert.ok(held.length <= 100, `${held.length} held`);
    assert.equal(directory.get('s999')?.pk, 999);
  });

  it('forgets everything on clear', () => {
    const directory = new SessionDirectory();
    directory.remember('a', row(1));
    directory.clear();
    assert.equal(directory.get('a'), undefined);
  });
});
