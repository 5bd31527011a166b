// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever commit
// crosses the threshold, copying the WAL into the database file and syncing it: a stall of tens or
// hundreds of milliseconds for every request in that batch. Dwell turns it off on the serving
// connection and checkpoints from a worker thread with a connection of its own (PASSIVE: it never
// blocks the writer). If the worker dies, automatic checkpoints come back on, so the WAL never
// grows without bound.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.close();
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(db: Database.Database, path: string, everyMs = 1_000) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, path, everyMs } });
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
