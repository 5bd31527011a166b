// The sections add-on's attribution rule (issue #17, docs/tracker.md "Sections"), without a browser.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addSectionTime,
  MAX_SECTIONS,
  readingSections,
  type SectionTuple,
} from '../../packages/tracker/src/section-time.ts';

/** A stand-in for an element: contains() by ancestry. */
class Box {
  constructor(
    readonly name: string,
    readonly parent: Box | null = null,
  ) {}
  contains(other: Box): boolean {
    for (let at: Box | null = other; at; at = at.parent) if (at === this) return true;
    return false;
  }
}

describe('the sections attribution rule', () => {
  it('gives the time to the section crossing the reading line', () => {
    const tuples = addSectionTime([], [{ name: 'pricing', position: 2 }], 1_500);
    assert.deepEqual(tuples, [['pricing', 1_500, 2]]);
  });

  it('lets an inner section win over the one around it', () => {
    const chapter = new Box('chapter');
    const figure = new Box('figure', chapter);
    const aside = new Box('aside');
    assert.deepEqual(readingSections([chapter, figure, aside]), [figure, aside]);
    assert.deepEqual(readingSections([chapter]), [chapter]);
  });

  it('splits the time equally among sections side by side, to the millisecond', () => {
    const tiers = ['free', 'pro', 'team'].map((name, position) => ({ name, position }));
    assert.deepEqual(addSectionTime([], tiers, 1_000), [
      ['free', 334, 0],
      ['pro', 333, 1],
      ['team', 333, 2],
    ]);
  });

  it('adds to a section the beat already has, and gives none where nothing is read', () => {
    const tuples: SectionTuple[] = [['intro', 100, 0]];
    addSectionTime(tuples, [{ name: 'intro', position: 0 }], 50);
    assert.deepEqual(tuples, [['intro', 150, 0]]);
    assert.deepEqual(addSectionTime([], [], 1_000), []);
    assert.deepEqual(addSectionTime([], [{ name: 'intro', position: 0 }], 0), []);
  });

  it('sums exactly to the engaged time given to read sections (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.uniqueArray(fc.nat(40), { maxLength: 4 }), fc.integer({ min: -5, max: 5_000 })),
          {
            maxLength: 30,
          },
        ),
        (stretches) => {
          const tuples: SectionTuple[] = [];
          let given = 0;
          for (const [reading, ms] of stretches) {
            addSectionTime(
              tuples,
              reading.map((n) => ({ name: `s${n}`, position: n })),
              ms,
            );
            if (ms > 0 && reading.length > 0) given += ms;
          }
          assert.equal(
            tuples.reduce((sum, t) => sum + t[1], 0),
            given,
          );
          assert.ok(tuples.every((t) => Number.isInteger(t[1]) && t[1] > 0));
        },
      ),
    );
  });

  it('keeps at most 64 sections in a beat, as the server accepts', () => {
    const tuples: SectionTuple[] = [];
    for (let n = 0; n < 70; n++) addSectionTime(tuples, [{ name: `s${n}`, position: n }], 10);
    assert.equal(tuples.length, MAX_SECTIONS);
  });
});
