// `dwell purge --older-than 90d`: deletes old sessions with their pages and spans (retention).

import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.ts';
import { openStore } from '../../store/index.ts';
import { usageError } from '../cli-error.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell purge --older-than 90d

Deletes sessions whose last activity is older than the given age (m, h, d or w), with their pages
and engaged spans. Statistics and visitor counts shrink accordingly.
`;

export const purge: Command = {
  summary: 'delete sessions older than an age (--older-than 90d)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { 'older-than': { type: 'string' }, help: { type: 'boolean', default: false } },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const match = /^(\d+)(m|h|d|w)$/.exec(values['older-than'] ?? '');
    if (!match) throw usageError('--older-than needs an age like 90d, 12h or 2w');
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[
      match[2] as 'm' | 'h' | 'd' | 'w'
    ];
    const config = loadConfig();
    const store = await openStore(config);
    try {
      const before = (await store.now()) - Number(match[1]) * unit;
      const deleted = await store.purgeSessions(before);
      process.stdout.write(
        `purged ${deleted} sessions last active before ${new Date(before).toISOString()}\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
