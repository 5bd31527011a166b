// `dwell demo`: seeds realistic demo sessions into the configured database, with a progress bar, so
// a newcomer's dashboard has something to show. Demo sessions end by now; run it again for more.

import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { generateSessions } from '../../demo/generate.ts';
import { ensureFirstSite } from '../../server/plugins/sites.ts';
import { usageError } from '../cli-error.ts';
import { pickSite } from '../site-option.ts';
import { withStore } from '../with-store.ts';
import type { Command } from './types.ts';

const HELP = `Usage: dwell demo [--site ID] [--sessions 5000] [--days 30] [--seed N]

Adds demo sessions (pages of example.com, returning visitors, some known by email, a few with two
tabs open at once) spread over the last --days days, to one site: --site, which may be left out
while this Dwell has one site. A database without sites first gets the one the server's first
start would make (DWELL_SITE_HOSTS).
`;

export const demo: Command = {
  summary: 'seed realistic demo data (--site, --sessions 5000, --days 30)',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        sessions: { type: 'string', default: '5000' },
        days: { type: 'string', default: '30' },
        seed: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const count = Number(values.sessions);
    const days = Number(values.days);
    if (!Number.isInteger(count) || count < 1 || count > 5_000_000)
      throw usageError('--sessions must be 1 to 5000000');
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw usageError('--days must be 1 to 3650');
    return withStore(async (store, config) => {
      await ensureFirstSite(store, config);
      const site = await pickSite(store, values.site);
      const scope = { pk: site.pk, timeZone: site.timeZone };
      const now = await store.now();
      const bar = new cliProgress.SingleBar(
        { format: 'seeding [{bar}] {percentage}% | {value}/{total} sessions', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(count, 0);
      const generated = generateSessions({
        count,
        from: now - days * 86_400_000,
        to: now - 3_600_000,
        seed: values.seed === undefined ? now % 2 ** 31 : Number(values.seed),
      });
      const seeded = await store.importSessions(
        (function* () {
          for (const session of generated) yield { ...session, site: scope };
        })(),
        (done) => bar.update(done),
      );
      bar.stop();
      process.stdout.write(`seeded ${seeded} demo sessions of ${site.id} over the last ${days} days\n`);
      return 0;
    });
  },
};
