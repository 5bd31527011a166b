// Builds everything `npm start` serves: the server and CLI bundles (dependencies stay external) and
// the browser assets (tracker IIFE + ESM, dashboard). esbuild does it all in well under a second.

import { copyFileSync, existsSync } from 'node:fs';
import { build } from 'esbuild';
import { scriptOptions } from '../packages/tracker/build.mjs';

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};

// Split into chunks, so a CLI command loads only the modules (and packages) it imports.
await build({
  ...node,
  entryPoints: { 'server/main': 'src/server/main.ts', 'cli/main': 'src/cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

const browser = { bundle: true, platform: 'browser', target: 'es2019', logLevel: 'warning' };

// The tracker: one minified IIFE for the <script> tag, and an ESM build for bundlers, with the
// options the package's own build uses (packages/tracker/build.mjs says why they are what they are).
if (existsSync('packages/tracker/src/index.ts')) {
  await build({
    ...scriptOptions,
    entryPoints: ['packages/tracker/src/index.ts'],
    outfile: 'dist/public/dwell.js',
    format: 'iife',
  });
}
// The sections add-on, which dwell.js loads only on pages that mark sections (issue #17).
if (existsSync('packages/tracker/src/sections-entry.ts')) {
  await build({
    ...scriptOptions,
    entryPoints: ['packages/tracker/src/sections-entry.ts'],
    outfile: 'dist/public/dwell-sections.js',
    format: 'iife',
  });
}
if (existsSync('packages/tracker/src/esm.ts')) {
  await build({
    ...scriptOptions,
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
// The dashboard's icon (the browser asks for one on every page; without it the console shows a 404).
if (existsSync('src/dashboard/favicon.svg')) {
  copyFileSync('src/dashboard/favicon.svg', 'dist/public/dashboard-favicon.svg');
}
