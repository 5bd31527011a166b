import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dayRange } from '../store/queries/stats-math.ts';
import {
  DAY_MS,
  dayLengthMs,
  dayName,
  dayRangeIn,
  dayStart,
  localDay,
  parseDayName,
  utcOffsetMs,
} from './local-day.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

const ZONES = [
  'UTC',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/Santiago',
  'Pacific/Apia',
  'Asia/Beirut',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];

/** Day numbers from 1900 to 2100: every zone's modern history and then some. */
const anyDay = fc.integer({ min: parseDayName('1900-01-01')!, max: parseDayName('2100-12-31')! });
const anyInstant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 11, 31) });

function day(name: string): number {
  const d = parseDayName(name);
  assert.notEqual(d, null, name);
  return d!;
}

/** Local wall-clock time in a zone, read independently of the module through Intl. */
function wallClock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

describe('localDay', () => {
  it('equals Math.floor(ms / DAY_MS) for UTC', () => {
    fc.assert(fc.property(anyInstant, (ms) => localDay(ms, 'UTC') === Math.floor(ms / DAY_MS)));
  });

  it('agrees with the local date Intl reads for any instant in any zone', () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...ZONES), (ms, tz) => {
        assert.equal(dayName(localDay(ms, tz)), wallClock(ms, tz).slice(0, 10));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads the same offset through the hour cache as straight from Intl, around transitions too', () => {
    // Minute by minute across the 2026 Berlin spring-forward hour, from a cold and a warm cache.
    const jump = Date.UTC(2026, 2, 29, 1);
    for (let ms = jump - 2 * HOUR; ms <= jump + 2 * HOUR; ms += 7 * MINUTE) {
      const expected = ms < jump ? HOUR : 2 * HOUR;
      assert.equal(utcOffsetMs(ms, 'Europe/Berlin'), expected, new Date(ms).toISOString());
      assert.equal(utcOffsetMs(ms, 'Europe/Berlin'), expected, new Date(ms).toISOString());
    }
    assert.equal(utcOffsetMs(jump - 1, 'Europe/Berlin'), HOUR);
    assert.equal(utcOffsetMs(jump, 'Europe/Berlin'), 2 * HOUR);
  });

  it('counts offsets of 45 minutes and a Lord Howe half-hour of daylight saving', () => {
    assert.equal(utcOffsetMs(Date.UTC(2026, 0, 1), 'Asia/Kathmandu'), 5 * HOUR + 45 * MINUTE);
    assert.equal(utcOffsetMs(Date.UTC(2026, 0, 1), 'Pacific/Chatham'), 13 * HOUR + 45 * MINUTE);
    assert.equal(utcOffsetMs(Date.UTC(2026, 0, 1), 'Australia/Lord_Howe'), 11 * HOUR);
    assert.equal(utcOffsetMs(Date.UTC(2026, 6, 1), 'Australia/Lord_Howe'), 10 * HOUR + 30 * MINUTE);
  });

  it('puts a session at 23:30 on the Los Angeles fall-back day on that day, not the next', () => {
    // 2026-11-01 runs 25 h: 23:30 local is 07:30 UTC the next day, at PST (-8 h).
    const lateEvening = Date.UTC(2026, 10, 2, 7, 30);
    assert.equal(wallClock(lateEvening, 'America/Los_Angeles'), '2026-11-01 23:30');
    assert.equal(localDay(lateEvening, 'America/Los_Angeles'), day('2026-11-01'));
    assert.equal(localDay(lateEvening, 'UTC'), day('2026-11-02'));
  });

  it('puts both readings of the repeated hour of a fall-back day on that day', () => {
    // 01:30 happens twice in Los Angeles on 2026-11-01: at PDT (08:30 UTC) and at PST (09:30 UTC).
    assert.equal(localDay(Date.UTC(2026, 10, 1, 8, 30), 'America/Los_Angeles'), day('2026-11-01'));
    assert.equal(localDay(Date.UTC(2026, 10, 1, 9, 30), 'America/Los_Angeles'), day('2026-11-01'));
  });

  it('never returns Pacific/Apia 2011-12-30, the date Samoa skipped to cross the date line', () => {
    const skipped = day('2011-12-30');
    for (let ms = Date.UTC(2011, 11, 28); ms < Date.UTC(2012, 0, 2); ms += 10 * MINUTE) {
      assert.notEqual(localDay(ms, 'Pacific/Apia'), skipped);
    }
    // The last instant of the 29th (UTC-10) is followed by the first of the 31st (UTC+14).
    assert.equal(localDay(Date.UTC(2011, 11, 30, 10) - 1, 'Pacific/Apia'), day('2011-12-29'));
    assert.equal(localDay(Date.UTC(2011, 11, 30, 10), 'Pacific/Apia'), day('2011-12-31'));
  });
});

describe('dayStart', () => {
  it('is the first instant of its day: the day itself begins there and the day before ends just before', () => {
    fc.assert(
      fc.property(anyDay, fc.constantFrom(...ZONES), (d, tz) => {
        fc.pre(!(tz === 'Pacific/Apia' && (d === day('2011-12-30') || d === day('2011-12-31'))));
        const start = dayStart(d, tz);
        assert.equal(localDay(start, tz), d, `${dayName(d)} in ${tz}`);
        assert.equal(localDay(start - 1, tz), d - 1, `${dayName(d)} in ${tz}`);
      }),
      { numRuns: 3_000 },
    );
  });

  it('checks every day of 2026 in every zone the same way', () => {
    for (const tz of ZONES) {
      for (let d = day('2026-01-01'); d <= day('2026-12-31'); d++) {
        const start = dayStart(d, tz);
        assert.equal(localDay(start, tz), d, `${dayName(d)} in ${tz}`);
        assert.equal(localDay(start - 1, tz), d - 1, `${dayName(d)} in ${tz}`);
      }
    }
  });

  it('is local midnight on ordinary days', () => {
    assert.equal(dayStart(day('2026-07-14'), 'Europe/Berlin'), Date.UTC(2026, 6, 13, 22));
    assert.equal(dayStart(day('2026-01-15'), 'America/Los_Angeles'), Date.UTC(2026, 0, 15, 8));
    assert.equal(dayStart(day('2026-01-15'), 'Asia/Kathmandu'), Date.UTC(2026, 0, 14, 18, 15));
    assert.equal(dayStart(day('2026-01-15'), 'UTC'), Date.UTC(2026, 0, 15));
  });

  it('is 01:00 where clocks jump from midnight straight to 01:00 (America/Santiago, 2026-09-06)', () => {
    const start = dayStart(day('2026-09-06'), 'America/Santiago');
    assert.equal(start, Date.UTC(2026, 8, 6, 4));
    assert.equal(wallClock(start, 'America/Santiago'), '2026-09-06 01:00');
  });

  it('gives skipped Pacific/Apia 2011-12-30 the start of 2011-12-31, so the skipped day is empty', () => {
    const transition = Date.UTC(2011, 11, 30, 10);
    assert.equal(dayStart(day('2011-12-30'), 'Pacific/Apia'), transition);
    assert.equal(dayStart(day('2011-12-31'), 'Pacific/Apia'), transition);
    assert.equal(dayLengthMs(day('2011-12-30'), 'Pacific/Apia'), 0);
    assert.equal(dayLengthMs(day('2011-12-29'), 'Pacific/Apia'), 24 * HOUR);
    assert.equal(dayLengthMs(day('2011-12-31'), 'Pacific/Apia'), 24 * HOUR);
  });

  it('never goes back from one day to the next', () => {
    fc.assert(
      fc.property(anyDay, fc.constantFrom(...ZONES), (d, tz) => dayStart(d, tz) <= dayStart(d + 1, tz)),
      { numRuns: 1_000 },
    );
  });
});

describe('dayLengthMs', () => {
  it('is 23 h and 25 h on the 2026 daylight-saving days of Los Angeles and Berlin, 24 h around them', () => {
    const cases: [string, string, number][] = [
      ['America/Los_Angeles', '2026-03-07', 24],
      ['America/Los_Angeles', '2026-03-08', 23],
      ['America/Los_Angeles', '2026-03-09', 24],
      ['America/Los_Angeles', '2026-11-01', 25],
      ['Europe/Berlin', '2026-03-29', 23],
      ['Europe/Berlin', '2026-10-25', 25],
      ['Europe/Berlin', '2026-10-26', 24],
      ['Australia/Lord_Howe', '2026-04-05', 24.5],
      ['Australia/Lord_Howe', '2026-10-04', 23.5],
      ['UTC', '2026-03-08', 24],
    ];
    for (const [tz, name, hours] of cases) {
      assert.equal(dayLengthMs(day(name), tz), hours * HOUR, `${name} in ${tz}`);
    }
  });

  it('adds up to the hours of the year: 365 × 24 in zones that gain back what they lose', () => {
    for (const tz of ['America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe', 'UTC']) {
      let total = 0;
      for (let d = day('2026-01-01'); d <= day('2026-12-31'); d++) total += dayLengthMs(d, tz);
      assert.equal(total, 365 * 24 * HOUR, tz);
    }
  });
});

describe('dayRangeIn', () => {
  it('equals the store dayRange for UTC', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 0, max: 60 * DAY_MS }), (from, length) => {
        assert.deepEqual(dayRangeIn(from, from + length, 'UTC'), dayRange(from, from + length));
      }),
    );
    assert.deepEqual(dayRangeIn(0, DAY_MS, 'UTC'), dayRange(0, DAY_MS));
    assert.deepEqual(dayRangeIn(0, 0, 'UTC'), dayRange(0, 0));
  });

  it('covers exactly the local days its instants fall on', () => {
    fc.assert(
      fc.property(
        anyInstant,
        fc.integer({ min: 1, max: 5 * DAY_MS }),
        fc.constantFrom(...ZONES),
        (from, length, tz) => {
          const { fromDay, toDay } = dayRangeIn(from, from + length, tz);
          assert.equal(fromDay, localDay(from, tz));
          assert.equal(toDay, localDay(from + length - 1, tz) + 1);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('is one local day for the 25 h of Berlin 2026-10-25, and two if a millisecond more', () => {
    const start = dayStart(day('2026-10-25'), 'Europe/Berlin');
    const end = start + 25 * HOUR;
    assert.deepEqual(dayRangeIn(start, end, 'Europe/Berlin'), {
      fromDay: day('2026-10-25'),
      toDay: day('2026-10-26'),
    });
    assert.deepEqual(dayRangeIn(start, end + 1, 'Europe/Berlin'), {
      fromDay: day('2026-10-25'),
      toDay: day('2026-10-27'),
    });
  });

  it('touches at least one day even when the range is empty', () => {
    const at = Date.UTC(2026, 2, 8, 12);
    assert.deepEqual(dayRangeIn(at, at, 'America/Los_Angeles'), {
      fromDay: day('2026-03-08'),
      toDay: day('2026-03-09'),
    });
  });
});

describe('dayName and parseDayName', () => {
  it('round-trip every day', () => {
    fc.assert(fc.property(anyDay, (d) => parseDayName(dayName(d)) === d));
  });

  it('name day 0 as the epoch and count from there', () => {
    assert.equal(dayName(0), '1970-01-01');
    assert.equal(dayName(-1), '1969-12-31');
    assert.equal(parseDayName('2026-03-08'), Date.UTC(2026, 2, 8) / DAY_MS);
  });

  it('reject what is not a real date in YYYY-MM-DD form', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-3-8',
      '2026-03-08T00:00',
      '',
      'yesterday',
      '0026-00-10',
    ]) {
      assert.equal(parseDayName(bad), null, bad);
    }
    assert.equal(parseDayName('2024-02-29'), Date.UTC(2024, 1, 29) / DAY_MS);
  });
});
