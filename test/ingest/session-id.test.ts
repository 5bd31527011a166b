import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newSessionId, SESSION_ID_PATTERN } from '../../src/server/session-id.ts';

describe('session ids', () => {
  it('are 44 hex digits: the start time, then 128 random bits', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const id = newSessionId(now);
    assert.match(id, SESSION_ID_PATTERN);
    assert.equal(Number.parseInt(id.slice(0, 12), 16), now);
  });

  it('sort by start time, so recent sessions share index pages', () => {
    const ids = [3, 1, 2].map((minutes) => newSessionId(Date.UTC(2026, 0, 1) + minutes * 60_000));
    assert.deepEqual([...ids].sort(), [ids[1], ids[2], ids[0]], 'lexical order is time order');
  });

  it('never repeat, even within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newSessionId(now)));
    assert.equal(ids.size, 10_000);
    const randomParts = new Set([...ids].map((id) => id.slice(12)));
    assert.equal(randomParts.size, 10_000);
  });
});
