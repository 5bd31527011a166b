// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, copying the WAL into the database file and syncing it: a stall of tens or
// hundreds of milliseconds for every request in that batch. Dwell turns it off on the serving
// connection and checkpoints from a worker thread with a connection of its own. If the worker
// dies, automatic checkpoints come back on, so the WAL never grows without bound.
//
// PASSIVE checkpoints alone are not enough. They copy pages without blocking the writer, but the
// WAL only starts over from its beginning when a writer finds every frame already copied, and
// under steady load a new batch always commits before a pass ends: the WAL grew by ~100 MB/s
// (1.2 GB in a 12 s benchmark) and every page lookup walked its ever longer index. So each round
// repeats PASSIVE passes, each copying what arrived during the last, until a pass had little to
// copy, then runs RESTART: it holds the write lock while it copies what came in since (a few ms),
// so the next commit starts the WAL over. A short busy timeout bounds how long it may hold that
// lock waiting for a reader (an export in another process): it gives up and tries again next round.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointOptions {
  /** How often a round runs. */
  everyMs?: number;
  /** RESTART once a pass copied fewer frames than this and fewer remain (1,000 of 4 KiB: ~4 MB). */
  restartBelowFrames?: number;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const { everyMs, restartBelowFrames } = workerData;
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
const round = () => {
  try {
    db.pragma('busy_timeout = 1000');
    let copied = 0;
    for (let pass = 0; pass < 6; pass++) {
      const { log, checkpointed } = checkpoint('PASSIVE');
      if (log <= 0) return;
      const copiedNow = checkpointed - copied;
      copied = checkpointed;
      // RESTART copies what arrived during the last pass under the write lock: only once that
      // pass was short (it copied few frames) is the stall short too.
      if (log - checkpointed < restartBelowFrames && copiedNow < restartBelowFrames) {
        db.pragma('busy_timeout = 50');
        checkpoint('RESTART');
        return;
      }
    }
  } catch {}
};
const timer = setInterval(round, everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try {
    db.pragma('busy_timeout = 1000');
    checkpoint('TRUNCATE');
  } catch {}
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(db: Database.Database, path: string, options: CheckpointOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    const workerData = {
      driver,
      path,
      everyMs: options.everyMs ?? 1_000,
      restartBelowFrames: options.restartBelowFrames ?? 1_000,
    };
    this.worker = new Worker(WORKER, { eval: true, workerData });
    this.worker.unref();
    const fallBack = () => {
      if (!this.stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Runs a last full checkpoint (the WAL is truncated) and stops the worker. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // Unreferenced while serving (it must not keep the process alive); referenced while it finishes.
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }
}
