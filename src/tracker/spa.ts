// Single-page apps: pushState, replaceState, popstate and hashchange change the page without a load;
// the time so far is credited to the previous URL, then counting goes on for the new one.

import { measure } from './clock.ts';
import { resetPage, url } from './page.ts';

/** Called on every possible URL change; does nothing unless the URL really changed. */
export const navigate = (): void => {
  if (location.href !== url) {
    measure();
    resetPage();
  }
};

/** Wraps the history methods so `changed` runs after every pushState and replaceState. */
export function watchHistory(changed: () => void): void {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      changed();
    };
  }
}
