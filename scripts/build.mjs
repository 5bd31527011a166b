// Builds everything `npm start` serves: the server and CLI bundles (dependencies stay external) and
// the browser assets (tracker IIFE + ESM, dashboard). esbuild does it all in well under a second.

import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...node,
  entryPoints: { 'server/main': 'src/server/main.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
});

const browser = { bundle: true, platform: 'browser', target: 'es2019', logLevel: 'warning' };

// The tracker: one minified IIFE for the <script> tag, and an ESM build for bundlers. ES2021 (optional
// chaining, ??, ||=; Chrome 85, Firefox 79, Safari 14, all from 2020) spares the size budget the
// down-levelled forms; an older browser fails to parse the script and is simply not tracked.
// packages/tracker/tsconfig.json drops "use strict"; no legal comments, no debugger statements.
const tracker = {
  ...browser,
  target: 'es2021',
  minify: true,
  legalComments: 'none',
  drop: ['debugger'],
};
if (existsSync('packages/tracker/src/index.ts')) {
  await build({
    ...tracker,
    entryPoints: ['packages/tracker/src/index.ts'],
    outfile: 'dist/public/dwell.js',
    format: 'iife',
  });
}
if (existsSync('packages/tracker/src/esm.ts')) {
  await build({
    ...tracker,
    entryPoints: ['packages/tracker/src/esm.ts'],
    outfile: 'dist/public/dwell.esm.js',
    format: 'esm',
  });
}
if (existsSync('src/dashboard/main.ts')) {
  await build({
    ...browser,
    target: 'es2020',
    entryPoints: { dashboard: 'src/dashboard/main.ts' },
    outdir: 'dist/public',
    format: 'esm',
    minify: true,
    sourcemap: true,
    loader: { '.css': 'css' },
  });
}
