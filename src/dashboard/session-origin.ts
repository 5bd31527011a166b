// A session's origin in its detail (issue #24): its source, campaign, device and country, as facts
// of the sessions view's side panel. Sessions stored before Dwell recorded origins have none.

import { valueLabel } from './filters.ts';
import { h } from './format.ts';
import type { Origin } from './types.ts';

const joined = (parts: (string | null)[]) => parts.filter((p): p is string => !!p).join(' · ');

/** dt/dd pairs for a `.facts` list. */
export function originFacts(origin: Origin | null): HTMLElement[] {
  if (!origin) return [h('dt', {}, 'Origin'), h('dd', { class: 'muted' }, 'not recorded for this session')];
  const fact = (term: string, main: string, more: string) => [
    h('dt', {}, term),
    h(
      'dd',
      { 'data-fact': term.toLowerCase() },
      main,
      more ? h('span', { class: 'muted' }, ` · ${more}`) : null,
    ),
  ];
  const { utm } = origin;
  const referrer = origin.referrerHost && origin.referrerHost !== origin.source ? origin.referrerHost : null;
  const tagged = joined([utm.source, utm.medium, utm.content, utm.term]);
  return [
    ...fact('Source', valueLabel('source', origin.source), joined([origin.sourceCategory, referrer])),
    ...fact('Campaign', valueLabel('utm_campaign', utm.campaign), tagged),
    ...fact(
      'Device',
      origin.device ? valueLabel('device', origin.device) : 'unknown',
      joined([origin.browser, origin.os]),
    ),
    h('dt', {}, 'Country'),
    h(
      'dd',
      { 'data-fact': 'country' },
      origin.country ? valueLabel('country', origin.country) : 'unknown',
      origin.region ? h('span', { class: 'muted' }, ` · ${origin.region}`) : null,
      // DB-IP's licence (CC BY 4.0) asks for the credit wherever its data is shown.
      origin.country
        ? h('a', { class: 'credit', href: 'https://db-ip.com', rel: 'noopener' }, 'IP geolocation by DB-IP')
        : null,
    ),
  ];
}
