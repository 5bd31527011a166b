// npm run bench:origin — what describing a session's origin (issue #24) adds to a session start:
// µs per `describeOrigin` call with every lookup on (referrer list, User-Agent and client hints,
// country), the median and p95 of BENCH_CALLS (default 50,000) calls each timed alone, over a
// rotation of real referrers, User-Agents and addresses. Twice: with the User-Agents repeating, as
// real traffic's do (the describer remembers recent ones), and with every User-Agent new (each
// one parsed), the worst case. And, once, what making the describer costs (reading the referrer
// list and the 8 MB country database).

import { createOriginDescriber } from '../src/sources/index.ts';
import type { OriginInput } from '../src/sources/origin-types.ts';
import { median } from './settings.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 50_000);

const REFERRERS = [
  null,
  'https://www.google.com/',
  'https://news.ycombinator.com/',
  'https://chatgpt.com/',
  'android-app://com.google.android.gm/',
  'https://www.markosaric.com/',
  'https://example.com/previous-page',
];
const URLS = [
  'https://example.com/posts/engaged-time',
  'https://example.com/posts/engaged-time?utm_source=weekly&utm_medium=email&utm_campaign=2026-12',
  'https://example.com/?ref=producthunt',
];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
const HINTS = [
  undefined,
  {
    secChUa: '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
    secChUaMobile: '?0',
    secChUaPlatform: '"Windows"',
  },
];
const ADDRESSES = ['8.8.8.8', '129.187.255.1', '2001:6b0:e:2018::1', '::ffff:193.0.6.139', '192.168.1.10'];

// Lengths pairwise prime, so the rotation meets every combination.
const inputs: OriginInput[] = [];
for (let i = 0; i < 7 * 3 * 5 * 2 * 11; i++) {
  inputs.push({
    url: URLS[i % 3]!,
    referrer: REFERRERS[i % 7]!,
    siteHosts: ['example.com'],
    userAgent: USER_AGENTS[i % 5]!,
    clientHints: HINTS[i % 2],
    clientAddress: ADDRESSES[i % 11 < 5 ? i % 11 : 0]!,
  });
}

const madeAt = performance.now();
const describeOrigin = createOriginDescriber();
const makeMs = performance.now() - madeAt;

function measure(label: string, inputAt: (i: number) => OriginInput): void {
  // Warm up, so the JIT has compiled what a long-running server runs.
  for (let i = 0; i < 5_000; i++) describeOrigin(inputAt(CALLS + i));
  const micros: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const input = inputAt(i);
    const start = process.hrtime.bigint();
    describeOrigin(input);
    micros.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  micros.sort((a, b) => a - b);
  const p95 = micros[Math.floor(micros.length * 0.95)]!;
  console.log(`describeOrigin, ${label}: ${median(micros).toFixed(1)} µs median, ${p95.toFixed(1)} µs p95`);
}

measure('User-Agents repeating', (i) => inputs[i % inputs.length]!);
// A build number no browser sends makes every User-Agent new, without changing how it parses.
measure('every User-Agent new', (i) => {
  const input = inputs[i % inputs.length]!;
  return { ...input, userAgent: `${input.userAgent} Build/${i}` };
});
console.log(`(${CALLS} calls each); createOriginDescriber: ${makeMs.toFixed(0)} ms once, at server start`);
