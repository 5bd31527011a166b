// `dwell breakdown` and the origin filters of the reading commands (issue #24), through the real
// `dwell` binary (bin/dwell.js → dist/cli/main.js) on a real SQLite file seeded by `dwell demo`.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DIMENSIONS } from '../../src/store/breakdown-types.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/dwell.js');
const SESSIONS = 1500;

interface Row {
  value: string | null;
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number };
  engagedSessions: number;
}

describe('dwell breakdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-breakdown-cli-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'dwell.db')}`, NODE_ENV: 'test' };
  /** Exit code, stdout and stderr, whatever the exit code. */
  const dwell = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await dwell(...args, '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };

  before(async () => {
    const seeded = await dwell('demo', '--sessions', String(SESSIONS), '--days', '20', '--seed', '24');
    assert.equal(seeded.code, 0, seeded.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ranks sources by engaged time in a table, as the API orders them', async () => {
    const answer = await json<{ items: Row[]; nextCursor: string | null }>(
      'breakdown',
      '--by',
      'source',
      '--limit',
      '1000',
    );
    assert.equal(answer.nextCursor, null);
    const sources = answer.items.map((r) => r.value);
    for (const source of ['Google', 'Hacker News', 'newsletter', 'ChatGPT', null]) {
      assert.ok(sources.includes(source), `${source} in ${sources.join(', ')}`);
    }
    assert.equal(
      answer.items.reduce((sum, r) => sum + r.sessions, 0),
      SESSIONS,
    );
    const totals = answer.items.map((r) => r.engagedMs.total);
    assert.deepEqual(
      totals,
      [...totals].sort((a, b) => b - a),
    );

    const { code, stdout } = await dwell('breakdown', '--by', 'source', '--limit', '5');
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^source\s+sessions\s+visitors\s+engaged\s+median\s+engaged sessions$/);
    const top = answer.items[0]!;
    assert.match(
      lines[2]!,
      new RegExp(
        `^${top.value ?? '\\(none\\)'}\\s+${top.sessions}\\s+${top.visitors}\\s+\\S+.*\\s${top.engagedSessions} \\(\\d+%\\)$`,
      ),
    );
    assert.equal(lines.length, 2 + 5 + 1, 'five rows, then the hint that there are more');
    assert.match(lines.at(-1)!, /more values/);
  });

  it('filters by any dimension, the same on breakdown, stats, sessions and export', async () => {
    const countries = await json<{ items: Row[] }>('breakdown', '--by', 'country', '--limit', '1000');
    const germany = countries.items.find((r) => r.value === 'DE');
    assert.ok(germany && germany.sessions > 0, 'the demo has readers in Germany');
    // --country de is DE: countries are stored upper case.
    const onlyGermany = await json<{ items: Row[] }>('breakdown', '--by', 'country', '--country', 'de');
    assert.deepEqual(onlyGermany.items, [germany]);
    const stats = await json<{ sessions: number }>('stats', '--country', 'DE');
    assert.equal(stats.sessions, germany.sessions);

    const campaigns = await json<{ items: Row[] }>('breakdown', '--by', 'utm_campaign');
    const digest = campaigns.items.find((r) => r.value === 'weekly-digest');
    assert.ok(digest, 'the newsletter campaign is there');
    const csv = join(dir, 'digest.csv');
    const exported = await dwell(
      'export',
      '--format',
      'csv',
      '--out',
      csv,
      '--utm-campaign',
      'weekly-digest',
    );
    assert.equal(exported.code, 0, exported.stderr);
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    assert.equal(rows.length, digest.sessions);
    for (const row of rows) {
      const cells = row.split(',');
      assert.equal(cells[columns.indexOf('utm_campaign')], 'weekly-digest');
      assert.equal(cells[columns.indexOf('source_category')], 'email');
    }

    const mobileFromGoogle = await json<{ entryUrl: string }[]>(
      'sessions',
      '--source',
      'Google',
      '--device',
      'mobile',
      '--limit',
      '1000',
    );
    const devices = await json<{ items: Row[] }>('breakdown', '--by', 'device', '--source', 'Google');
    assert.equal(mobileFromGoogle.length, devices.items.find((r) => r.value === 'mobile')?.sessions);
  });

  it('counts sessions without a value under (none), and filters them by it', async () => {
    const sources = await json<{ items: Row[] }>('breakdown', '--by', 'source', '--limit', '1000');
    const direct = sources.items.find((r) => r.value === null);
    assert.ok(direct);
    const filtered = await json<{ items: Row[] }>('breakdown', '--by', 'source', '--source', '(none)');
    assert.deepEqual(filtered.items, [direct]);
    const { stdout } = await dwell('breakdown', '--by', 'source', '--source', '(none)');
    assert.match(stdout.split('\n')[2]!, /^\(none\)\s/);
  });

  it('refuses a dimension that does not exist with exit 2, listing the ones that do', async () => {
    const bad = await dwell('breakdown', '--by', 'planet');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^dwell breakdown: --by "planet" is not a dimension: one of source, referrer, /);
    for (const dimension of DIMENSIONS) assert.ok(bad.stderr.includes(dimension), dimension);
    const missing = await dwell('breakdown');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--by is required/);
    const limit = await dwell('breakdown', '--by', 'os', '--limit', '0');
    assert.equal(limit.code, 2);
    const empty = await dwell('stats', '--country', '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--country must be 1 to 300 characters/);
  });

  it('documents every dimension, as --by and as a filter', async () => {
    const { stdout } = await dwell('breakdown', '--help');
    for (const dimension of DIMENSIONS) {
      assert.ok(stdout.includes(dimension), dimension);
      assert.ok(stdout.includes(`--${dimension.replaceAll('_', '-')}`), `--${dimension}`);
    }
    const usage = await dwell('--help');
    assert.match(usage.stdout, /\n {2}breakdown {2}engaged time by source/);
  });
});
