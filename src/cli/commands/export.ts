// `dwell export`: every session (optionally since a date) to a CSV or NDJSON file, streamed with a
// progress bar; the same code as GET /api/v1/analytics/export.

import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config.ts';
import { exportChunks } from '../../query/export.ts';
import { openStore } from '../../store/index.ts';
import { parseSince } from '../table.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell export --format csv|ndjson --out FILE [--since 90d|DATE]

Writes sessions, oldest first, to FILE (- for standard output).
`;

export const exportCommand: Command = {
  summary: 'export sessions to a CSV or NDJSON file (--format, --out, --since)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'csv' },
        out: { type: 'string' },
        since: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const format = values.format;
    if (format !== 'csv' && format !== 'ndjson') throw new Error('--format must be csv or ndjson');
    if (!values.out) throw new Error('--out FILE is required (use - for standard output)');
    const config = loadConfig();
    const store = await openStore(config);
    try {
      const now = await store.now();
      const from = values.since === undefined ? undefined : parseSince(values.since, now);
      const total = (await store.getStats({ from: from ?? 0, to: now + 86_400_000 })).sessions;
      const toStdout = values.out === '-';
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
          exportChunks(store, { from }, format, config.timeoutMs, (n) => {
            rows += n;
            if (!toStdout) bar.update(rows);
          }),
        ),
        toStdout ? process.stdout : createWriteStream(values.out),
      );
      if (!toStdout) {
        bar.update(rows);
        bar.stop();
        process.stderr.write(`wrote ${rows} sessions to ${values.out}\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
