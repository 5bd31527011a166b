// Under writes that never pause the WAL must keep starting over, not grow by every commit
// (checkpointer.ts). A server's writes pause only for the instants between two batches.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/store/engines/sqlite/store.ts';

const rules = { intervalMs: 5_000, timeoutMs: 600_000, toleranceMs: 1_000 };
const PAGE = 4_096;

async function churn() {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-wal-'));
  const path = join(dir, 'dwell.db');
  const store = new SqliteStore({ path, rules, checkpoint: { everyMs: 20 } });
  try {
    await store.migrate();
    // Rows of ~3 KB: every update rewrites a page of its own, like a beat on a random session.
    store.db.exec('CREATE TABLE churn (id INTEGER PRIMARY KEY, pad BLOB)');
    const insert = store.db.prepare('INSERT INTO churn VALUES (?, randomblob(3000))');
    store.db.transaction(() => {
      for (let id = 1; id <= 2_000; id++) insert.run(id);
    })();
    const update = store.db.prepare('UPDATE churn SET pad = randomblob(3000) WHERE id = ?');
    const batch = store.db.transaction((ids: number[]) => {
      for (const id of ids) update.run(id);
    });
    let written = 0;
    // 1.5 s, several restart cycles: with one or two (600 ms did) a single long stretch between
    // restarts on a busy machine could reach past half of what was written, and the test failed.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      batch(Array.from({ length: 2 }, () => 1 + Math.floor(Math.random() * 2_000)));
      written += 2 * PAGE;
      // A turn of the event loop between batches, as a server has: the only instants RESTART gets in.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const wal = statSync(`${path}-wal`).size;
    await store.close();
    return { written, wal, walAfterClose: existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0 };
  } finally {
    await store.close(); // a no-op once closed
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite WAL checkpoints', () => {
  it('start the WAL over while writes go on, and truncate it on close', async () => {
    const { written, wal, walAfterClose } = await churn();
    assert.ok(written > 16 * 1024 * 1024, `the test wrote only ${written} bytes`);
    // The WAL file keeps its largest size, so this bounds every stretch between two restarts.
    // (With PASSIVE passes only, as before, the WAL here grows to the bytes written.)
    assert.ok(wal < written / 2, `WAL ${wal} bytes after ${written} bytes written: it was not restarted`);
    assert.equal(walAfterClose, 0);
  });
});
