// The tracker's size budget (1.5 KB, raised to 1,664 B for issue #15's three clocks and quiet rule:
// docs/tracker.md, "Size", accounts for the bytes): gzips dist/public/dwell.js at level 9, prints
// the size against the budget, and fails over it. Run after `npm run build`; CI runs it every time.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 1664;
const file = process.argv[2] ?? 'dist/public/dwell.js';

let source;
try {
  source = readFileSync(file);
} catch {
  console.error(`tracker size: ${file} is missing; run npm run build first`);
  process.exit(1);
}
const gzipped = gzipSync(source, { level: 9 }).length;
const verdict = gzipped <= BUDGET ? 'ok' : `OVER BUDGET by ${gzipped - BUDGET} bytes`;
console.log(
  `tracker size: ${file} ${source.length} B, ${gzipped} B gzipped (budget ${BUDGET} B): ${verdict}`,
);
process.exit(gzipped <= BUDGET ? 0 : 1);
