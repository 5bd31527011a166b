// Runs the real `dwell` binary (bin/dwell.js → dist/cli/main.js) against a real SQLite file.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/dwell.js');

describe('dwell CLI (query commands)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-cli-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`, NODE_ENV: 'test' };
  const dwell = (...args: string[]) =>
    run(process.execPath, [BIN, ...args], { env, maxBuffer: 64 * 1024 * 1024 });

  before(async () => {
    const { stdout } = await dwell('demo', '--sessions', '2000', '--days', '20', '--seed', '11');
    assert.match(stdout, /seeded 2000 demo sessions/);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists sessions as an aligned table', async () => {
    const { stdout } = await dwell('sessions', '--limit', '5');
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 7);
    assert.match(
      lines[0]!,
      /^started \(UTC\)\s+status\s+engaged\s+visible\s+open\s+pages\s+who\s+entry page$/,
    );
    // Columns line up: every row has "status" text where the header has it.
    const statusAt = lines[0]!.indexOf('status');
    for (const line of lines.slice(2)) assert.match(line.slice(statusAt), /^(active|ended|expired)\s/);
  });

  it('filters by email and prints the API objects with --json', async () => {
    const all = JSON.parse((await dwell('sessions', '--limit', '1000', '--json')).stdout) as {
      email: string | null;
    }[];
    const email = all.find((s) => s.email)?.email;
    assert.ok(email);
    const mine = JSON.parse((await dwell('sessions', '--email', email, '--json')).stdout) as {
      email: string;
    }[];
    assert.ok(mine.length > 0);
    assert.ok(mine.every((s) => s.email === email));
    const recent = JSON.parse(
      (await dwell('sessions', '--since', '2d', '--json', '--limit', '1000')).stdout,
    ) as {
      startedAt: string;
    }[];
    assert.ok(recent.every((s) => Date.parse(s.startedAt) >= Date.now() - 2 * 86_400_000 - 60_000));
  });

  it('prints stats that match the sessions', async () => {
    const stats = JSON.parse((await dwell('stats', '--since', '30d', '--json')).stdout) as {
      sessions: number;
    };
    assert.equal(stats.sessions, 2000);
    const { stdout } = await dwell('stats');
    assert.match(stdout, /^sessions 2000 {3}visitors \d+/);
  });

  it("prints a page's attention map, sections in page order", async () => {
    const url = 'https://example.com/pricing';
    const map = JSON.parse((await dwell('sections', '--url', url, '--json')).stdout) as {
      sessions: number;
      sections: { name: string; reach: number }[];
    };
    assert.ok(map.sessions > 0);
    assert.deepEqual(
      map.sections.map((s) => s.name),
      ['plans', 'starter', 'team', 'enterprise', 'faq'],
    );
    assert.ok(map.sections.every((s) => s.reach > 0 && s.reach <= 1));
    const { stdout } = await dwell('sections', '--url', url);
    assert.match(stdout, /^https:\/\/example\.com\/pricing: \d+ sessions with engaged time/);
    assert.match(stdout, /\n1\s+plans\s/);
  });

  it('exports every session to CSV and NDJSON files', async () => {
    const csv = join(dir, 'out.csv');
    await dwell('export', '--format', 'csv', '--out', csv);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    assert.equal(lines.length, 2001);
    assert.match(lines[0]!, /^id,status,startedAt/);
    const ndjson = join(dir, 'out.ndjson');
    await dwell('export', '--format', 'ndjson', '--out', ndjson);
    const rows = readFileSync(ndjson, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows.length, 2000);
    assert.ok(Array.isArray(rows[0].pages));
  });

  it('refuses bad options with a message and a non-zero exit', async () => {
    await assert.rejects(dwell('export', '--format', 'xml', '--out', 'x'), /--format must be csv or ndjson/);
    await assert.rejects(dwell('purge', '--older-than', 'soon'), /--older-than needs an age/);
  });

  it('purges old sessions with their pages and spans', async () => {
    const { stdout } = await dwell('purge', '--older-than', '10d');
    const purged = Number(/purged (\d+) sessions/.exec(stdout)?.[1]);
    assert.ok(purged > 500 && purged < 1500, stdout);
    const stats = JSON.parse((await dwell('stats', '--since', '30d', '--json')).stdout) as {
      sessions: number;
    };
    assert.equal(stats.sessions, 2000 - purged);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(dir, 'dwell.db'), { readonly: true });
    const orphans = db
      .prepare(
        `SELECT (SELECT count(*) FROM session_pages WHERE session_pk NOT IN (SELECT pk FROM sessions))
              + (SELECT count(*) FROM spans WHERE session_pk NOT IN (SELECT pk FROM sessions))`,
      )
      .pluck()
      .get();
    db.close();
    assert.equal(orphans, 0);
  });

  it('shows the three clocks in the table, the JSON and both exports; visible time unknown stays unknown', async () => {
    const store = await openStore(loadConfig(env));
    const tokenHash = createHash('sha256').update('clocks').digest();
    try {
      await store.createSession({
        id: 'clocks-cli',
        tokenHash,
        email: 'clocks@cli.test',
        visitorId: null,
        entryUrl: '/x',
        referrer: null,
        screen: null,
        lang: null,
      });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      const beat = {
        sessionId: 'clocks-cli',
        tokenHash,
        seq: 1,
        engagedMs: 1_000,
        visibleMs: 2_000,
        url: '/x',
      };
      assert.equal((await store.recordBeat(beat)).kind, 'accepted');
      await store.listSessions({}, 1); // a read folds the journal
    } finally {
      await store.close();
    }
    const [mine] = JSON.parse((await dwell('sessions', '--email', 'clocks@cli.test', '--json')).stdout) as {
      engagedMs: number;
      visibleMs: number | null;
      duration: number;
      pages: { visibleMs: number | null }[];
    }[];
    assert.deepEqual([mine?.engagedMs, mine?.visibleMs, mine?.pages[0]?.visibleMs], [1_000, 2_000, 2_000]);
    assert.ok(mine!.duration >= 2, `open ${mine?.duration} s`);
    const table = (await dwell('sessions', '--email', 'clocks@cli.test')).stdout.split('\n');
    assert.match(table[2]!, /\s1s\s+2s\s+2s\s+1\s+clocks@cli\.test/);
    // The demo's sessions are imported without visible time: a dash, not a guess.
    const demoRows = (await dwell('sessions', '--limit', '4')).stdout
      .split('\n')
      .slice(2, 5)
      .filter((row) => row && !row.includes('clocks@cli.test'));
    assert.ok(
      demoRows.every((row) => row.includes('—')),
      demoRows.join('\n'),
    );
    const csv = join(dir, 'clocks.csv');
    await dwell('export', '--format', 'csv', '--out', csv);
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    const row = rows.find((r) => r.startsWith('clocks-cli,'))!.split(',');
    assert.equal(row[columns.indexOf('engagedMs')], '1000');
    assert.equal(row[columns.indexOf('visibleMs')], '2000');
    assert.ok(
      rows.some((r) => r.split(',')[columns.indexOf('visibleMs')] === ''),
      'unknown is empty',
    );
    const ndjson = join(dir, 'clocks.ndjson');
    await dwell('export', '--format', 'ndjson', '--out', ndjson);
    const exported = readFileSync(ndjson, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((s) => s.id === 'clocks-cli');
    assert.equal(exported.visibleMs, 2_000);
    assert.equal(exported.pages[0].visibleMs, 2_000);
  });
});
