// The origin filters of the dashboard (issue #24): one value per dimension, kept in the URL's query
// string beside ?site= so a filtered view can be bookmarked, shared and reloaded; shown as chips
// that each remove their filter. The routes that take them are listed once here.

import { h } from './format.ts';
import type { Context, Dimension, Filters } from './types.ts';

export const DIMENSIONS: Record<Dimension, string> = {
  source: 'Source',
  referrer: 'Referrer',
  utm_source: 'Campaign source',
  utm_medium: 'Campaign medium',
  utm_campaign: 'Campaign',
  utm_content: 'Campaign content',
  utm_term: 'Campaign term',
  entry: 'Entry page',
  device: 'Device',
  browser: 'Browser',
  os: 'OS',
  country: 'Country',
};

/** The filter value of the sessions without a value (API.md "Origin filters"). */
export const NONE = '(none)';

/** The analytics routes that take the origin filters (the live view does not). */
export const FILTERED_ROUTES = ['stats', 'sessions', 'visitors', 'sections', 'breakdown'];

const isDimension = (key: string): key is Dimension => Object.hasOwn(DIMENSIONS, key);

export function readFilters(search: string): Filters {
  const filters: Filters = {};
  for (const [key, value] of new URLSearchParams(search)) if (isDimension(key) && value) filters[key] = value;
  return filters;
}

/** The current URL with these filters in place of the old ones; the site and the view stay. */
export function filtersHref(filters: Filters): string {
  const params = new URLSearchParams(location.search);
  for (const key of Object.keys(DIMENSIONS)) params.delete(key);
  for (const [key, value] of Object.entries(filters)) params.set(key, value);
  const qs = params.toString();
  return `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`;
}

const countries = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** A value as people read it: no source is "Direct", other missing values "(none)", DE "Germany". */
export function valueLabel(by: Dimension, value: string | null): string {
  if (value === null || value === NONE) return by === 'source' ? 'Direct' : NONE;
  if (by === 'country') {
    try {
      return countries.of(value) ?? value;
    } catch {
      // Not a region code Intl knows (a stored value from another database): shown as it is.
      return value;
    }
  }
  if (by === 'device') return value.charAt(0).toUpperCase() + value.slice(1);
  return value;
}

/** The filters as removable chips; an empty fragment when there are none (and in the shared view). */
export function filterChips(ctx: Context): HTMLElement | DocumentFragment {
  const entries = Object.entries(ctx.filters) as [Dimension, string][];
  if (ctx.shared || entries.length === 0) return document.createDocumentFragment();
  const without = (dimension: Dimension) => {
    const next = { ...ctx.filters };
    delete next[dimension];
    return next;
  };
  return h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': 'Filters' },
    h('span', { class: 'chips-label' }, 'Filtered by'),
    ...entries.map(([dimension, value]) => {
      const text = `${DIMENSIONS[dimension]}: ${valueLabel(dimension, value)}`;
      return h(
        'span',
        { class: 'chip', 'data-filter': dimension },
        h('span', {}, text),
        h(
          'button',
          {
            type: 'button',
            class: 'chip-remove',
            'aria-label': `Remove filter ${text}`,
            title: 'Remove this filter',
            onclick: () => ctx.setFilters(without(dimension)),
          },
          '×',
        ),
      );
    }),
    entries.length > 1
      ? h('button', { type: 'button', class: 'link small', onclick: () => ctx.setFilters({}) }, 'Clear all')
      : null,
  );
}
