// The tracker's size budgets, checked by CI after `npm run build`: gzips each script at level 9,
// prints its size against its budget, and fails when one is over. dwell.js: 1.5 KB, raised to
// 1,664 B for issue #15's three clocks and quiet rule, then to 1,728 B for issue #17's sections hook
// and loader, to 1,824 B for issue #25's mouse and scroll rules, to 1,828 B for issue #23's data-site (docs/tracker.md, "Size", accounts for the bytes). The sections add-on has its own
// budget: pages that mark no section never load it. `npm run size -- <file>` checks one file
// against dwell.js's budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGETS = process.argv[2]
  ? [[process.argv[2], 1828]]
  : [
      ['dist/public/dwell.js', 1828],
      ['dist/public/dwell-sections.js', 768],
    ];

let failed = false;
for (const [file, budget] of BUDGETS) {
  let source;
  try {
    source = readFileSync(file);
  } catch {
    console.error(`tracker size: ${file} is missing; run npm run build first`);
    process.exit(1);
  }
  const gzipped = gzipSync(source, { level: 9 }).length;
  const verdict = gzipped <= budget ? 'ok' : `OVER BUDGET by ${gzipped - budget} bytes`;
  console.log(
    `tracker size: ${file} ${source.length} B, ${gzipped} B gzipped (budget ${budget} B): ${verdict}`,
  );
  failed ||= gzipped > budget;
}
process.exit(failed ? 1 : 0);
