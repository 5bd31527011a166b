// Builds the package into dist/: the modules with their types (tsc), the Astro component as it is,
// and the <script> tag's IIFEs (dwell.js and its sections add-on, the files the Dwell server serves). `npm pack` runs it.
// The root build (scripts/build.mjs) imports scriptOptions, so both IIFEs are built alike.

import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// ES2021 (optional chaining, ??, ||=; Chrome 85, Firefox 79, Safari 14, all from 2020) spares the
// size budget the down-levelled forms; an older browser fails to parse the script and is simply not
// tracked. tsconfig.json drops "use strict"; no legal comments, no debugger statements.
export const scriptOptions = {
  bundle: true,
  platform: 'browser',
  target: 'es2021',
  minify: true,
  legalComments: 'none',
  drop: ['debugger'],
  logLevel: 'warning',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = (path) => fileURLToPath(new URL(path, import.meta.url));
  const require = createRequire(import.meta.url);
  rmSync(here('dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', here('tsconfig.build.json')], {
    stdio: 'inherit',
  });
  cpSync(here('src/astro'), here('dist/astro'), { recursive: true });
  // tsc emits no .d.ts for a .d.ts: the generated API types go as they are.
  cpSync(here('src/client/openapi.d.ts'), here('dist/client/openapi.d.ts'));
  const { build } = await import('esbuild');
  await build({
    ...scriptOptions,
    entryPoints: [here('src/index.ts')],
    outfile: here('dist/dwell.js'),
    format: 'iife',
  });
  await build({
    ...scriptOptions,
    entryPoints: [here('src/sections-entry.ts')],
    outfile: here('dist/dwell-sections.js'),
    format: 'iife',
  });
}
