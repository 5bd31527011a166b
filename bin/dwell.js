#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// The `dwell` command. The CLI is bundled by `npm run build`; build it on first use so `npx dwell`
// works straight after `npm install`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/cli/main.js');
if (!existsSync(entry)) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(entry);
