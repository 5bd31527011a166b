// The CSV export's origin columns (issue #24): the same bytes from SQLite's formatter, PostgreSQL's
// and the JavaScript one (csvRow), escaping (RFC 4180) and formula defusing included.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSV_COLUMNS, CSV_ORIGIN_COLUMNS, csvHeader, csvRow } from '../../src/query/present.ts';
import { type ImportedSession, ORIGIN_COLUMNS } from '../../src/store/query-types.ts';
import type { SessionOrigin } from '../../src/store/types.ts';
import { engines } from '../store/engines.ts';

const rules = { intervalMs: 1_000, timeoutMs: 60_000, toleranceMs: 200 };
const AT = Date.UTC(2026, 10, 20, 9);
const CONTEXT = { now: AT + 90_000, timeoutMs: 20_000 };

const origin = (
  fields: Partial<Omit<SessionOrigin, 'utm'>> & { utm?: Partial<SessionOrigin['utm']> },
): SessionOrigin => ({
  source: null,
  sourceCategory: 'direct',
  referrerHost: null,
  entryPath: '/',
  device: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  country: 'DE',
  region: null,
  ...fields,
  utm: { source: null, medium: null, campaign: null, content: null, term: null, ...fields.utm },
});

/** Plain origins, none at all (stored before Dwell recorded them) and every character CSV minds. */
const FIXTURE: [id: string, origin: SessionOrigin | undefined][] = [
  ['hn', origin({ source: 'Hacker News', sourceCategory: 'social', referrerHost: 'news.ycombinator.com' })],
  ['before-origins', undefined],
  [
    'tricky',
    origin({
      source: 'Acme, Inc. "News"',
      sourceCategory: 'campaign',
      referrerHost: 'xn--zrich-kva.example',
      utm: {
        source: '=HYPERLINK("http://evil")',
        medium: '-email',
        campaign: '@launch\nweek',
        content: '\ttabbed',
        term: '+plus,comma',
      },
      entryPath: '/a,b/"c"',
      device: 'mobile',
      browser: 'Samsung Internet',
      os: 'Android',
      country: null,
    }),
  ],
  [
    'unicode',
    origin({
      source: 'Zürich Blog 🦉',
      sourceCategory: 'other-site',
      utm: { campaign: 'spring-sale' },
      country: 'CH',
      device: null,
    }),
  ],
];

function sessions(): ImportedSession[] {
  return FIXTURE.map(([id, o], i) => ({
    id: `csv-origin-${id}`,
    startedAt: AT + i * 1_000,
    lastActivityAt: AT + i * 1_000 + 30_000,
    endedAt: i === 0 ? AT + 30_000 : null,
    engagedMs: 12_000 + i,
    beats: 3,
    email: null,
    visitorId: `v${i}`,
    entryUrl: `https://site.test/?i=${i}`,
    referrer: null,
    screen: null,
    lang: null,
    ...(o ? { origin: o } : {}),
    pages: [],
    spans: [],
  }));
}

/** RFC 4180 rows (CRLF, quotes doubled) back into cells, to read what a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\r')) {
      cell += c;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++; // the \n of CRLF
    }
  }
  return rows;
}

describe('CSV export: origin columns', () => {
  it('come last, named as the sessions table names them: every stored one but region', () => {
    assert.deepEqual(
      CSV_ORIGIN_COLUMNS,
      ORIGIN_COLUMNS.filter((c) => c !== 'region'),
    );
    assert.deepEqual(CSV_COLUMNS.slice(-CSV_ORIGIN_COLUMNS.length), [...CSV_ORIGIN_COLUMNS]);
    assert.match(
      csvHeader(),
      /,entryUrl,referrer,source,source_category,referrer_host,utm_source,utm_medium,utm_campaign,utm_content,utm_term,entry_path,device,browser,os,country\r\n$/,
    );
  });
});

const byEngine = new Map<string, string>();

for (const engine of await engines()) {
  describe(`CSV export: origin columns on ${engine.name}`, { skip: engine.skip }, () => {
    it("are written by the engine byte for byte as csvRow writes the session's origin", async () => {
      const opened = await engine.open(rules);
      try {
        const { store } = opened;
        await store.importSessions(sessions());
        let expected = '';
        for await (const batch of store.exportSessions({}, { pages: false })) {
          for (const session of batch) {
            // The session's origin as the store keeps it (the export's records may not carry it).
            const detail = await store.getSession(session.id);
            expected += csvRow(
              { ...session, origin: detail?.origin ?? null },
              CONTEXT.now,
              CONTEXT.timeoutMs,
            );
          }
        }
        let actual = '';
        for await (const chunk of store.exportSessionsCsv({}, CONTEXT)) actual += chunk;
        assert.equal(actual, expected);
        byEngine.set(engine.name, actual);

        const rows = parseCsv(csvHeader() + actual);
        const columns = rows[0]!;
        const cells = (id: string) => {
          const row = rows.find((r) => r[0] === `csv-origin-${id}`);
          assert.ok(row, id);
          assert.equal(row.length, CSV_COLUMNS.length, `${id} has every column`);
          return Object.fromEntries(columns.map((c, i) => [c, row[i]]));
        };
        assert.deepEqual(
          CSV_ORIGIN_COLUMNS.map((c) => cells('hn')[c]),
          [
            'Hacker News',
            'social',
            'news.ycombinator.com',
            '',
            '',
            '',
            '',
            '',
            '/',
            'desktop',
            'Firefox',
            'Linux',
            'DE',
          ],
        );
        assert.ok(
          CSV_ORIGIN_COLUMNS.every((c) => cells('before-origins')[c] === ''),
          'no origin: empty cells',
        );
        const tricky = cells('tricky');
        assert.equal(tricky.source, 'Acme, Inc. "News"');
        // A leading = + - @ or tab gets a ' so no spreadsheet runs it (CSV injection).
        assert.equal(tricky.utm_source, `'=HYPERLINK("http://evil")`);
        assert.equal(tricky.utm_medium, "'-email");
        assert.equal(tricky.utm_campaign, "'@launch\nweek");
        assert.equal(tricky.utm_content, "'\ttabbed");
        assert.equal(tricky.utm_term, "'+plus,comma");
        assert.equal(tricky.entry_path, '/a,b/"c"');
        assert.equal(tricky.country, '');
        assert.equal(cells('unicode').source, 'Zürich Blog 🦉');
        // A dash is a formula only at the start.
        assert.equal(cells('unicode').utm_campaign, 'spring-sale');
      } finally {
        await opened.dispose();
      }
    });

    it('filters the rows by origin as the rest of the export does', async () => {
      const opened = await engine.open(rules);
      try {
        const { store } = opened;
        await store.importSessions(sessions());
        let csv = '';
        for await (const chunk of store.exportSessionsCsv(
          { origin: { country: 'DE', device: 'desktop' } },
          CONTEXT,
        ))
          csv += chunk;
        assert.deepEqual(
          parseCsv(csv).map((r) => r[0]),
          ['csv-origin-hn'],
        );
      } finally {
        await opened.dispose();
      }
    });
  });
}

describe('CSV export: origin columns on every engine', () => {
  it('are the same bytes on SQLite and PostgreSQL', (t) => {
    if (byEngine.size < 2) return t.skip(`only ${[...byEngine.keys()].join(', ')} ran`);
    assert.equal(byEngine.get('postgres'), byEngine.get('sqlite'));
  });
});
