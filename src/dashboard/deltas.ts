// How a key figure moved against the previous period of the same length (issue #24): the period
// before [from, to) is [from - length, from), read with the same filters.

import { h } from './format.ts';

const DAY_MS = 86_400_000;

export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const start = Date.parse(from);
  const length = Date.parse(to) - start;
  return { from: new Date(start - length).toISOString(), to: from };
}

/** "previous 30 days", or "previous period" for a length that is no whole number of days. */
export function periodName(from: string, to: string): string {
  const length = Date.parse(to) - Date.parse(from);
  const days = Math.round(length / DAY_MS);
  if (days < 1 || Math.abs(length - days * DAY_MS) > DAY_MS / 24) return 'previous period';
  return days === 1 ? 'previous day' : `previous ${days} days`;
}

/**
 * ▲ 12% / ▼ 8% / "new" (nothing before) / "no change", with the previous figure in the title. Up
 * is drawn as good: every figure on the overview is one a site wants more of.
 */
export function delta(current: number, previous: number, previousText: string, period: string): HTMLElement {
  let text: string;
  let direction: 'up' | 'down' | 'flat';
  if (previous === 0) {
    text = current === 0 ? 'no change' : 'new';
    direction = current === 0 ? 'flat' : 'up';
  } else {
    const change = ((current - previous) / previous) * 100;
    const shown =
      Math.abs(change) < 10 ? Math.round(Math.abs(change) * 10) / 10 : Math.round(Math.abs(change));
    direction = shown === 0 ? 'flat' : change > 0 ? 'up' : 'down';
    text = direction === 'flat' ? 'no change' : `${direction === 'up' ? '▲' : '▼'} ${shown}%`;
  }
  const spoken = direction === 'flat' || text === 'new' ? text : `${direction} ${text.replace(/^[▲▼] /, '')}`;
  return h(
    'div',
    { class: `kpi-delta ${direction}`, title: `${previousText} in the ${period}` },
    h('span', { 'aria-hidden': 'true' }, text),
    h('span', { class: 'sr-only' }, `${spoken} on the ${period} (${previousText})`),
    h('span', { class: 'muted', 'aria-hidden': 'true' }, ` vs ${period}`),
  );
}
