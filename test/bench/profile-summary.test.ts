// bench/profile-summary.ts turns a V8 CPU profile into the "where the time goes" text of
// docs/benchmarks.md: self time by place and by function, and total time of Dwell's own functions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { placeOf, summarise } from '../../bench/profile-summary.ts';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

describe('the profile summary', () => {
  it('names where code lives: a Dwell folder, a package, Node, V8', () => {
    assert.equal(placeOf('file:///w/dist/server/store/engines/x.js', 'f'), 'dwell:store/engines');
    assert.equal(placeOf('file:///w/src/store/append/journal.ts', 'f'), 'dwell:store/append');
    assert.equal(placeOf('file:///w/node_modules/@fastify/cors/index.js', 'f'), '@fastify/cors');
    assert.equal(placeOf('file:///w/node_modules/pg/lib/client.js', 'f'), 'pg');
    assert.equal(placeOf('node:internal/http', 'f'), 'node:internals');
    assert.equal(placeOf('', '(garbage collector)'), '(garbage collector)');
    assert.equal(placeOf('', 'writev'), '(native)');
  });

  it('adds self time per function and counts a recursive own function once per sample', () => {
    // root → fold (own) → fold (own, recursion) → sqlite (package); root → (garbage collector)
    const own = 'file:///w/src/store/fold/x.ts';
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
        { id: 2, callFrame: frame('fold', own), children: [3] },
        { id: 3, callFrame: frame('fold', own), children: [4] },
        { id: 4, callFrame: frame('run', 'file:///w/node_modules/better-sqlite3/lib/x.js') },
        { id: 5, callFrame: frame('(garbage collector)', '') },
      ],
      samples: [4, 4, 3, 5],
      timeDeltas: [1_000_000, 1_000_000, 1_000_000, 1_000_000],
    };
    const text = summarise(profile, 10);
    assert.match(text, /^4\.0 s sampled/);
    assert.match(
      text,
      /self time by place\n {3}50\.0 % {2}better-sqlite3\n {3}25\.0 % {2}dwell:store\/fold\n {3}25\.0 % {2}\(garbage collector\)/,
    );
    // Three of four samples are under fold: 75 %, not 75 % + the recursion's 75 %.
    assert.match(text, /total time of Dwell's functions\n {3}75\.0 % {2}fold fold\/x\.ts:1$/m);
  });
});
