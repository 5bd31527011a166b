// Starts the tracker from a framework component without loading it on the server: tracker.ts
// touches `document` as it loads, so server rendering (Next.js, Nuxt, SvelteKit) must never import
// it. The import happens in the browser, when the component mounts.

import type { Options } from './tracker.ts';

/** Starts tracking once the tracker has loaded; the returned function stops it (or cancels the start). */
export function startLater(options: Options): () => void {
  let stop: (() => void) | undefined;
  let cancelled = false;
  import('./esm.ts').then(({ start }) => {
    if (!cancelled) stop = start(options);
  });
  return () => {
    cancelled = true;
    stop?.();
  };
}

/** The options a component passes on: its own props minus the blueprint's `interval`. */
export interface ComponentProps extends Options {
  /**
   * Accepted so the blueprint's `<SessionHeartbeat interval={…} />` markup works unchanged. Dwell's
   * server hands out the beat period (DWELL_INTERVAL_MS), and the tracker follows it.
   */
  interval?: number | undefined;
}

export const trackerOptions = ({
  api,
  idle,
  mouse,
  grace,
  debug,
  sessionCookie,
  site,
}: ComponentProps): Options => ({
  api,
  idle,
  mouse,
  grace,
  debug,
  sessionCookie,
  site,
});
