// The page being viewed: its URL (which changes under a single-page app) and the deepest scroll
// position reached on it, as a percentage of the document's height.

export let url = location.href;
export let depth = 0;

/** Reads the scroll position; the bottom edge of the viewport counts, so a short page is 100. */
export const readDepth = (): void => {
  const root = document.documentElement;
  depth = Math.max(depth, Math.min(100, Math.round(((scrollY + innerHeight) * 100) / root.scrollHeight)));
};

/** Starts a new page at the current location. */
export const resetPage = (): void => {
  url = location.href;
  depth = 0;
  readDepth();
};
