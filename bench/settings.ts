// What the ingest and store benchmarks share: their sizes and PostgreSQL from the environment, and
// how rounds become one figure.

/** Sessions stored (BENCH_SESSIONS), of which the newest BENCH_ACTIVE receive beats. */
export const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
export const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 100_000);
/** Interleaved rounds per run; every figure printed is the median of its rounds. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
