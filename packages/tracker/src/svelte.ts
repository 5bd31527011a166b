// @dwell/tracker/svelte: a Svelte action, so it needs no compile step of its own:
// `<svelte:body use:dwell={{ api: 'https://dwell.example.com' }} />` in the root layout. Tracking
// lasts as long as the element; new options restart it.

import { type ComponentProps, startLater, trackerOptions } from './later.ts';

export type DwellOptions = ComponentProps;

export function dwell(
  _node: Element,
  options: DwellOptions = {},
): { update(options: DwellOptions): void; destroy(): void } {
  let current = JSON.stringify(trackerOptions(options));
  let stop = startLater(trackerOptions(options));
  return {
    // Svelte calls this whenever the argument is a new object; only a real change restarts.
    update(next) {
      if (JSON.stringify(trackerOptions(next)) === current) return;
      current = JSON.stringify(trackerOptions(next));
      stop();
      stop = startLater(trackerOptions(next));
    },
    destroy: () => stop(),
  };
}

export default dwell;
