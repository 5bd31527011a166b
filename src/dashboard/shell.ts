// The frame around every view: the header (brand, site switcher, tabs, live count, period, sign
// out) and the period's choices. The shared view uses the same frame with less in it.

import { h } from './format.ts';
import type { SiteSummary } from './types.ts';

export const RANGES = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type Range = keyof typeof RANGES;

const RANGE_KEY = 'dwell.range';

export const range = {
  get: (): Range => {
    const stored = sessionStorage.getItem(RANGE_KEY);
    return stored && stored in RANGES ? (stored as Range) : '30d';
  },
  set: (value: Range) => sessionStorage.setItem(RANGE_KEY, value),
  /** The period as ISO instants, ending now. */
  period(): { from: string; to: string } {
    const now = Date.now();
    return {
      from: new Date(now - RANGES[this.get()] * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
    };
  },
};

export function rangeSelect(onChange: () => void) {
  const current = range.get();
  const select = h(
    'select',
    { id: 'range', 'aria-label': 'Period' },
    ...Object.entries(RANGES).map(([r, days]) =>
      h('option', { value: r, ...(r === current ? { selected: true } : {}) }, `Last ${days} days`),
    ),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    range.set(select.value as Range);
    onChange();
  });
  return select;
}

export const brand = (href = '#/overview') =>
  h('a', { class: 'brand', href }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Dwell');

/** A link to a view of another site: the site is in the query string, so a view can be bookmarked. */
export const siteHref = (id: string, hash: string) =>
  `${location.pathname}?${new URLSearchParams({ site: id })}${hash}`;

/**
 * Which site the views show, kept in the URL. Hidden while there is one site. A page's attention
 * map or a filtered list means nothing on another site, so switching keeps the view, not its query.
 */
export function siteSwitcher(sites: SiteSummary[], current: SiteSummary | null) {
  if (sites.length < 2) return null;
  const select = h(
    'select',
    { id: 'site', 'aria-label': 'Site' },
    ...sites.map((s) =>
      h('option', { value: s.id, ...(s.id === current?.id ? { selected: true } : {}) }, s.name),
    ),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    const view = location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';
    location.assign(siteHref(select.value, `#/${view === 'page' ? 'overview' : view}`));
  });
  return h('div', { class: 'site-switch' }, select);
}

export function tabs(active: string, views: [hash: string, label: string][]) {
  return h(
    'nav',
    { 'aria-label': 'Views' },
    ...views.map(([hash, label]) =>
      h(
        'a',
        { href: `#/${hash}`, class: 'tab', ...(active === hash ? { 'aria-current': 'page' } : {}) },
        label,
      ),
    ),
  );
}

export function header(...parts: (HTMLElement | null)[]) {
  return h('header', { class: 'top' }, ...parts);
}
