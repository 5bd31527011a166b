// The overview of a site: key figures against the previous period, engaged time by day and per
// session, where sessions came from (sources, campaigns, devices, countries: breakdowns.ts) and its
// top pages, all under the filters in the URL (filters.ts). The shared view draws the same page
// without the visitors figure (a shared link shows no people) and without filters.

import { breakdownPanel } from './breakdowns.ts';
import { dayChart, histogramChart } from './charts.ts';
import { delta, periodName, previousPeriod } from './deltas.ts';
import { filterChips } from './filters.ts';
import { duration, h, number, shortUrl, spansHosts } from './format.ts';
import type { Context, Stats } from './types.ts';

export const card = (label: string, value: string, hint?: string, change?: HTMLElement) =>
  h(
    'div',
    { class: 'card kpi' },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    change ?? null,
    hint ? h('div', { class: 'kpi-hint' }, hint) : null,
  );

export async function overview(root: HTMLElement, ctx: Context) {
  const before = previousPeriod(ctx.from, ctx.to);
  const [stats, previous, panels] = await Promise.all([
    ctx.read<Stats>('stats', { from: ctx.from, to: ctx.to }),
    ctx.read<Stats>('stats', before),
    originPanels(ctx),
  ]);
  const period = periodName(ctx.from, ctx.to);
  const count = (label: string, pick: (s: Stats) => number, hint?: string) =>
    card(
      label,
      number(pick(stats)),
      hint,
      delta(pick(stats), pick(previous), number(pick(previous)), period),
    );
  const time = (label: string, pick: (s: Stats) => number, hint: string) =>
    card(
      label,
      duration(pick(stats)),
      hint,
      delta(pick(stats), pick(previous), duration(pick(previous)), period),
    );
  const days = h('div', { class: 'chart', role: 'img', 'aria-label': 'Engaged time and sessions by day' });
  const histogram = h('div', { class: 'chart', role: 'img', 'aria-label': 'How long sessions were engaged' });
  const parts = [
    h('h1', {}, ctx.shared && ctx.site ? ctx.site.name : 'Overview'),
    filterChips(ctx),
    h(
      'section',
      { class: 'kpis', 'aria-label': 'Key figures' },
      count('Sessions', (s) => s.sessions),
      ctx.shared
        ? time('Engaged time', (s) => s.engagedMs.total, 'all sessions together')
        : count('Visitors', (s) => s.visitors),
      time('Median engaged time', (s) => s.engagedMs.median, 'half of sessions were engaged longer'),
      time('p90 engaged time', (s) => s.engagedMs.p90, 'the most engaged tenth'),
    ),
    h(
      'section',
      { class: 'grid-2' },
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time by day'), days),
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time per session'), histogram),
    ),
    panels ? h('div', { class: 'grid-2' }, panels.sources, panels.campaigns) : null,
    h('section', { class: 'card' }, h('h2', {}, 'Top pages by engaged time'), topPages(stats.byPage)),
    panels ? h('div', { class: 'grid-2 after' }, panels.devices, panels.countries) : null,
  ];
  root.replaceChildren(...parts.filter((part) => part !== null));
  dayChart(days, stats.byDay);
  histogramChart(histogram, stats.histogram);
}

/** The four origin panels, read side by side. */
async function originPanels(ctx: Context) {
  const [sources, campaigns, devices, countries] = await Promise.all([
    breakdownPanel(ctx, {
      title: 'Sources',
      tabs: [
        ['source', 'Source'],
        ['referrer', 'Referrer'],
      ],
    }),
    breakdownPanel(ctx, {
      title: 'Campaigns',
      tabs: [
        ['utm_campaign', 'Campaign'],
        ['utm_source', 'Source'],
        ['utm_medium', 'Medium'],
      ],
    }),
    breakdownPanel(ctx, {
      title: 'Devices',
      tabs: [
        ['device', 'Device'],
        ['browser', 'Browser'],
        ['os', 'OS'],
      ],
    }),
    breakdownPanel(ctx, {
      title: 'Countries',
      tabs: [['country', 'Country']],
      // DB-IP's licence (CC BY 4.0) asks for this credit wherever its data is shown (docs/sources.md).
      footer: h(
        'p',
        { class: 'credit' },
        h('a', { href: 'https://db-ip.com', rel: 'noopener' }, 'IP geolocation by DB-IP'),
      ),
    }),
  ]);
  return { sources, campaigns, devices, countries };
}

function topPages(byPage: Stats['byPage']) {
  const pages = byPage.slice(0, 12);
  const top = Math.max(1, ...pages.map((p) => p.engagedMs));
  const withHost = spansHosts(pages.map((p) => p.url));
  if (pages.length === 0) return h('p', { class: 'muted' }, 'No engaged time in this period yet.');
  return h(
    'table',
    { class: 'table pages-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Page'),
        h('th', { scope: 'col', class: 'num' }, 'Sessions'),
        h('th', { scope: 'col', class: 'num' }, 'Engaged time'),
      ),
    ),
    h(
      'tbody',
      {},
      ...pages.map((p) =>
        h(
          'tr',
          {},
          h(
            'td',
            {},
            h(
              'div',
              { class: 'bar-cell' },
              h('span', { class: 'bar', style: `width:${((p.engagedMs / top) * 100).toFixed(1)}%` }),
              // The page view: its attention map (attention-map.ts).
              h(
                'a',
                { class: 'bar-label', title: p.url, href: `#/page?${new URLSearchParams({ url: p.url })}` },
                shortUrl(p.url, withHost),
              ),
            ),
          ),
          h('td', { class: 'num' }, number(p.sessions)),
          h('td', { class: 'num' }, duration(p.engagedMs)),
        ),
      ),
    ),
  );
}
