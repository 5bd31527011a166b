// Accuracy bench (issue #25, `npm run bench:accuracy`): seeded visits from a reader mix with stated
// sources (accuracy/readers.ts), each played into Dwell's real, built tracker on a virtual clock
// (accuracy/virtual-page.ts) under several settings of its quiet rule, and scored by the rules other
// tools use (accuracy/rules.ts) on the very same visits. Prints one markdown table: the median and
// p95 absolute error of the engaged time, in seconds, per reader kind and overall.
//
// Every client sees the same timeline of events; the truth is the time a reader was there. Time is
// virtual, so a 1,000-visit run takes seconds and nothing is scaled; that the browser fires these
// events as the virtual page does is what the Chromium tests prove (test/e2e/tracker.test.ts).
// VISITS and SEED change the mix's size and seed; DWELL_JS runs another build of the tracker;
// BROWSER=n replays the first n visits in Chromium against a real server (accuracy/browser-replay.ts)
// and prints how far the stored engaged time is from the virtual page's.

import { seededRandom } from '../src/demo/generate.ts';
import { replayInChromium, SCALE } from './accuracy/browser-replay.ts';
import { buildVisits, type ReaderKind, type Visit } from './accuracy/readers.ts';
import { bioRe, blueprint, chartbeat, focusedVisible, timeMe } from './accuracy/rules.ts';
import { playInTracker } from './accuracy/virtual-page.ts';

const VISITS = Number(process.env.VISITS ?? 1000);
const SEED = Number(process.env.SEED ?? 42);
const BROWSER = Number(process.env.BROWSER ?? 0);

/** Dwell's settings measured (data- attributes, ms): the default first. */
const DWELL: [label: string, dataset: Record<string, string>][] = [
  ['Dwell, default (mouse = idle = 90 s, grace 30 s)', {}],
  ['Dwell, mouse 60 s, idle 90 s', { mouse: '60000' }],
  ['Dwell, mouse 60 s, idle 2 min', { mouse: '60000', idle: '120000' }],
  ['Dwell, mouse = idle = 60 s', { idle: '60000' }],
  ['Dwell, mouse = idle = 2 min', { idle: '120000' }],
  ['Dwell, mouse = idle = 5 min', { idle: '300000' }],
  ['Dwell, mouse = grace 30 s, idle 5 min (the rule before #25)', { mouse: '30000', idle: '300000' }],
  ['Dwell, mouse = grace 60 s, idle 5 min', { grace: '60000', mouse: '60000', idle: '300000' }],
];

const OTHERS: [label: string, rule: (visit: Visit) => number][] = [
  ['Chartbeat (input in the last 5 s)', chartbeat],
  ['GA4 / Plausible (focused and visible)', focusedVisible],
  ['TimeMe.js (30 s idle, focused)', timeMe],
  ['BIO.RE seed (+30 s per 30 s visible)', bioRe],
  ['Blueprint seed (ping every 3 min)', blueprint],
];

const KINDS: ReaderKind[] = ['scroll', 'mouse', 'mixed', 'slides', 'video'];
const COLUMNS: [label: string, keep: (visit: Visit) => boolean][] = [
  ['all', () => true],
  ...KINDS.map((kind): [string, (visit: Visit) => boolean] => [kind, (visit) => visit.kind === kind]),
  ['walk-away', (visit) => visit.walkAway],
  ['other app', (visit) => visit.app],
];

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function main() {
  const visits = buildVisits(seededRandom(SEED), VISITS);
  const started = Date.now();
  const errors: [label: string, error: number[]][] = [];
  for (const [label, dataset] of DWELL) {
    const error: number[] = [];
    for (const visit of visits) error.push(Math.abs((await playInTracker(visit, dataset)) - visit.engagedMs));
    errors.push([label, error]);
  }
  for (const [label, rule] of OTHERS)
    errors.push([label, visits.map((v) => Math.abs(rule(v) - v.engagedMs))]);

  const count = (keep: (visit: Visit) => boolean) => visits.filter(keep).length;
  const lines = [
    `${VISITS} visits (seed ${SEED}), ${(visits.reduce((s, v) => s + v.lengthMs, 0) / VISITS / 60_000).toFixed(1)} min of engaged and idle time a visit on average; absolute error of the engaged time, median / p95, seconds:`,
    '',
    `| client | ${COLUMNS.map(([label, keep]) => `${label} (${count(keep)})`).join(' | ')} | all, mean |`,
    `| --- | ${COLUMNS.map(() => '---:').join(' | ')} | ---: |`,
    ...errors.map(([label, error]) => {
      const cells = COLUMNS.map(([, keep]) => {
        const e = error.filter((_, i) => keep(visits[i]!));
        return `${seconds(quantile(e, 0.5))} / ${seconds(quantile(e, 0.95))}`;
      });
      const mean = error.reduce((sum, e) => sum + e, 0) / error.length;
      return `| ${label} | ${cells.join(' | ')} | ${seconds(mean)} |`;
    }),
  ];
  console.log(lines.join('\n'));
  if (BROWSER) await crossCheck(visits.slice(0, BROWSER), errors[0]![1]);
  console.error(`(ran in ${Math.round((Date.now() - started) / 1000)} s)`);
}

/**
 * Replays the first visits in Chromium with the default settings, time scaled 1/SCALE, and prints
 * how far the stored engaged time (projected to real time) is from the virtual page's and from the
 * truth: the virtual page stands for the browser if the first is small beside the second.
 */
async function crossCheck(visits: Visit[], virtualErrors: number[]) {
  const stored = await replayInChromium(visits);
  const apart: number[] = [];
  const browserErrors: number[] = [];
  for (const [i, visit] of visits.entries()) {
    const virtual = await playInTracker(visit, {});
    apart.push(Math.abs(stored[i]! - virtual));
    browserErrors.push(Math.abs(stored[i]! - visit.engagedMs));
  }
  const line = (label: string, e: number[]) =>
    `| ${label} | ${seconds(quantile(e, 0.5))} | ${seconds(quantile(e, 0.95))} | ${seconds(Math.max(...e))} |`;
  console.log(
    [
      '',
      `Cross-check: the first ${visits.length} visits in Chromium against a real server, Dwell's defaults, time scaled 1/${SCALE} and projected back (× ${SCALE}); seconds:`,
      '',
      '| per visit | median | p95 | max |',
      '| --- | ---: | ---: | ---: |',
      line('Chromium − virtual page', apart),
      line('error in Chromium', browserErrors),
      line('error on the virtual page', virtualErrors.slice(0, visits.length)),
    ].join('\n'),
  );
}

await main();
