// The sites of this Dwell (issue #23) as every route sees them: the instance's SiteDirectory,
// loaded before the first request and kept fresh, and the note of hosts declined for want of a site.
// A database without any site (a fresh install) gets its first one here, for DWELL_SITE_HOSTS
// (default: localhost, 127.0.0.1 and the host of DWELL_PUBLIC_URL), so `npm start` just works.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { parseHostPattern, siteIdFor } from '../../sites/index.ts';
import { SiteConflictError } from '../../store/site-types.ts';
import type { Store } from '../../store/types.ts';
import { DeclinedHosts } from '../declined-hosts.ts';
import { SiteDirectory } from '../site-directory.ts';

declare module 'fastify' {
  interface FastifyInstance {
    sites: SiteDirectory;
    declinedHosts: DeclinedHosts;
  }
}

export const sitesPlugin = fp(
  async (app: FastifyInstance, { config, store }: { config: Readonly<Config>; store: Store }) => {
    await ensureFirstSite(store, config);
    const directory = new SiteDirectory(store, { auto: config.sites.auto, log: app.log });
    await directory.start();
    const declined = new DeclinedHosts(store, app.log);
    app.decorate('sites', directory);
    app.decorate('declinedHosts', declined);
    app.addHook('onClose', async () => {
      directory.stop();
      declined.stop();
      await declined.flush(Date.now());
    });
  },
  { name: 'dwell-sites' },
);

/** Creates the first site when there is none; another instance doing the same at once is fine. */
export async function ensureFirstSite(store: Store, config: Readonly<Config>): Promise<void> {
  if ((await store.listSites()).length > 0) return;
  const hosts = config.sites.firstHosts.map((h) => parseHostPattern(h));
  const id = siteIdFor(hosts[0]!);
  try {
    await store.createSite(
      {
        id,
        name: config.demo && id === 'localhost' ? 'Demo' : id,
        hosts,
        timeZone: 'UTC',
        origins: null,
      },
      await store.now(),
    );
  } catch (error) {
    if (!(error instanceof SiteConflictError)) throw error;
  }
}
