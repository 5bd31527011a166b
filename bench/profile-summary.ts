// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a V8 CPU profile's time went,
// as text for docs/benchmarks.md. Self time by function and by where the code lives (Dwell's own
// folders, each npm package, Node's internals), and total time (self + callees) of Dwell's functions.
// The profiles come from `BENCH_PROFILE=<dir> npm run bench` (bench/ingest.ts).

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a Dwell folder, an npm package, Node's internals, or V8 itself. */
export function placeOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:internals';
  const own = /\/dist\/(?:server\/)?(.+)\/[^/]+$/.exec(url) ?? /\/src\/(.+)\/[^/]+$/.exec(url);
  return own ? `dwell:${own[1]!.split('/').slice(0, 2).join('/')}` : url;
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url.split('/').slice(-2).join('/');
    return `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
  };
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const selfByFunction = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  const inclusiveOwn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    add(selfByFunction, label(node), us);
    add(selfByPlace, placeOf(node.callFrame.url, node.callFrame.functionName), us);
    // Total time of Dwell's own functions: each sample counts once for every distinct own frame above it.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!placeOf(frame.callFrame.url, frame.callFrame.functionName).startsWith('dwell:')) continue;
      const key = label(frame);
      if (!seen.has(key)) add(inclusiveOwn, key, us);
      seen.add(key);
    }
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  const table = (title: string, map: Map<string, number>) =>
    [
      title,
      ...[...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([key, us]) => `  ${pct(us)}  ${key}`),
    ].join('\n');
  return [
    `${(total / 1e6).toFixed(1)} s sampled`,
    table('self time by place', selfByPlace),
    table('self time by function', selfByFunction),
    table("total time of Dwell's functions", inclusiveOwn),
  ].join('\n\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top))}\n`);
}
