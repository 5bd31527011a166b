// Issue #17's accounting property, at the unit level: whatever beats arrive — retries of a seq,
// stale seqs, sections claiming more than the beat, pages changing, time jumping, a final beat,
// expiry — planBeat never credits a page's sections more than the page's engaged time, beat by
// beat and in total. (test/store/fold-property.test.ts checks the same on both engines' folds.)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AccountingRules } from '../accounting/credit-beat.ts';
import { capSections, planBeat, type SessionRow } from './beat-plan.ts';

const rules: AccountingRules = { intervalMs: 1_000, timeoutMs: 10_000, toleranceMs: 200 };
const T0 = Date.UTC(2026, 11, 1);

const section = fc.record({
  name: fc.constantFrom('intro', 'team', 'pricing', 'faq'),
  engagedMs: fc.nat(5_000),
  position: fc.nat(3),
});
const beat = fc.record({
  waitMs: fc.nat(3_000),
  seqStep: fc.integer({ min: -2, max: 2 }),
  engagedMs: fc.nat(4_000),
  visibleExtra: fc.nat(1_000),
  page: fc.nat(2),
  final: fc.boolean(),
  sections: fc.uniqueArray(section, { maxLength: 4, selector: (s) => s.name }),
});

describe('section time never exceeds the page engaged time', () => {
  it('after any beats, retries, stale seqs and expiry (property)', () => {
    fc.assert(
      fc.property(fc.array(beat, { minLength: 1, maxLength: 40 }), (beats) => {
        let row: SessionRow = {
          pk: 1,
          tokenHash: null,
          cookieOnly: false,
          startedAt: T0,
          lastActivityAt: T0,
          endedAt: null,
          engagedMs: 0,
          visibleMs: 0,
          measured: false,
          lastSeq: 0,
          beats: 0,
          currentUrl: '/p0',
          openSpan: null,
        };
        let now = T0;
        let seq = 0;
        const pages = new Map<string, { engagedMs: number; sections: number }>();
        for (const b of beats) {
          now += b.waitMs;
          seq = Math.max(1, seq + b.seqStep);
          const plan = planBeat(
            row,
            {
              sessionId: 's',
              trusted: true,
              seq,
              engagedMs: b.engagedMs,
              visibleMs: b.engagedMs + b.visibleExtra,
              url: `/p${b.page}`,
              final: b.final,
              sections: b.sections,
            },
            now,
            rules,
          );
          if (plan.session) row = { ...row, ...plan.session };
          if (!plan.page) continue;
          const beatSections = plan.page.sections.reduce((sum, s) => sum + s.engagedMs, 0);
          assert.ok(beatSections <= plan.page.creditedMs, 'a beat: sections ≤ its credited time');
          assert.ok(plan.page.sections.every((s) => s.engagedMs > 0 && Number.isInteger(s.engagedMs)));
          const page = pages.get(plan.page.url) ?? { engagedMs: 0, sections: 0 };
          page.engagedMs += plan.page.creditedMs;
          page.sections += beatSections;
          pages.set(plan.page.url, page);
        }
        for (const [url, page] of pages)
          assert.ok(
            page.sections <= page.engagedMs,
            `${url}: ${page.sections} ms in sections > ${page.engagedMs}`,
          );
      }),
      { numRuns: 500 },
    );
  });

  it('scales claims down together and keeps claims that fit as they are', () => {
    const claims = [
      { name: 'a', engagedMs: 3_000, position: 0 },
      { name: 'b', engagedMs: 1_000, position: 1 },
    ];
    assert.deepEqual(capSections(claims, 2_000), [
      { name: 'a', engagedMs: 1_500, position: 0 },
      { name: 'b', engagedMs: 500, position: 1 },
    ]);
    assert.deepEqual(capSections(claims, 5_000), claims);
    assert.deepEqual(capSections(claims, 0), []);
  });
});
