// `dwell export`: every session (optionally since a date) to a CSV or NDJSON file, streamed with a
// progress bar; the same code as GET /api/v1/analytics/export.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { exportChunks } from '../../query/export.ts';
import { usageError } from '../cli-error.ts';
import { ORIGIN_FLAG_HELP, ORIGIN_FLAG_OPTIONS, originFilterOfFlags } from '../origin-flags.ts';
import { pickSiteOrAll } from '../site-option.ts';
import { parseSince } from '../table.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell export --format csv|ndjson --out FILE [--site ID | --all-sites] [--since 90d|DATE]
       [filters]

Writes a site's sessions, oldest first, to FILE (- for standard output).
  --site        the site; may be left out while this Dwell has one site
  --all-sites   every site's sessions in one file (a backup of the whole database); never the
                default, so that two sites' sessions mix only when asked
  --since       sessions started in the last 90d / 12h / 2w, or since a date (a day of the
                site's time zone; of UTC with --all-sites)
${ORIGIN_FLAG_HELP}`;

export const exportCommand: Command = {
  summary:
    'export sessions to a CSV or NDJSON file (--format, --out, --site|--all-sites, --since, --source…)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'csv' },
        out: { type: 'string' },
        site: { type: 'string' },
        'all-sites': { type: 'boolean', default: false },
        since: { type: 'string' },
        help: { type: 'boolean', default: false },
        ...ORIGIN_FLAG_OPTIONS,
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const format = values.format;
    if (format !== 'csv' && format !== 'ndjson') throw usageError('--format must be csv or ndjson');
    if (!values.out) throw usageError('--out FILE is required (use - for standard output)');
    const out = values.out;
    const origin = originFilterOfFlags(values);
    return withStore(async (store, config) => {
      const site = await pickSiteOrAll(store, values.site, values['all-sites']);
      const now = await store.now();
      const from = values.since === undefined ? undefined : parseSince(values.since, now, site?.timeZone);
      const scope = site ? { site: { pk: site.pk, timeZone: site.timeZone } } : {};
      const total = (await store.getStats({ ...scope, origin, from: from ?? 0, to: now + 86_400_000 }))
        .sessions;
      const toStdout = out === '-';
      const bar = new cliProgress.SingleBar(
        {
          format: 'exporting [{bar}] {percentage}% | {value}/{total} sessions | {eta_formatted} left',
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      if (!toStdout) bar.start(total, 0);
      let rows = 0;
      await pipeline(
        Readable.from(
          exportChunks(
            store,
            { site: site?.pk, origin, from },
            format,
            config.timeoutMs,
            (n) => {
              rows += n;
              if (!toStdout) bar.update(rows);
            },
            site?.id,
          ),
        ),
        toStdout ? process.stdout : createWriteStream(out),
      );
      if (!toStdout) {
        bar.update(rows);
        bar.stop();
        process.stderr.write(`wrote ${rows} sessions to ${out}\n`);
      }
      return 0;
    });
  },
};
