// Runs every *.test.ts under src/ and test/ with node's test runner (Node 20's --test has no globs).
// Arguments narrow the run: `npm test -- store` runs only files whose path contains "store".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = ['src', 'test']
  .flatMap(findTests)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// A hang fails instead of stalling CI (issue #18). Node 20's runner applies --test-timeout to each
// test file as a whole (the file runs in a child process, as one test of the runner), so a test
// that never ends, or a handle left open after the last one, fails its file once the time is up.
// The slowest file is the framework apps (test/e2e/frameworks.test.ts): its suite allows itself
// 5 minutes, for a first run that installs and builds five toolchains; ten minutes are twice that.
// Every other file took under 50 s in a full run on a busy 2-core machine (the slowest, the
// tracker in Chromium, 49 s, 42 s of it in sleeps), so a hang costs ten minutes, never a CI job.
const FILE_TIMEOUT_MS = 600_000;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-timeout=${FILE_TIMEOUT_MS}`, ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
  },
);
process.exit(result.status ?? 1);
