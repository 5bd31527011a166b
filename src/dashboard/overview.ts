// The overview of a site: key figures, engaged time by day and per session, and its top pages. The
// shared view draws the same page without the visitors figure (a shared link shows no people).

import { dayChart, histogramChart } from './charts.ts';
import { duration, h, number, shortUrl, spansHosts } from './format.ts';
import type { Context, Stats } from './types.ts';

export const card = (label: string, value: string, hint?: string) =>
  h(
    'div',
    { class: 'card kpi' },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    hint ? h('div', { class: 'kpi-hint' }, hint) : null,
  );

export async function overview(root: HTMLElement, ctx: Context) {
  const stats = await ctx.read<Stats>('stats', { from: ctx.from, to: ctx.to });
  const days = h('div', { class: 'chart', role: 'img', 'aria-label': 'Engaged time and sessions by day' });
  const histogram = h('div', { class: 'chart', role: 'img', 'aria-label': 'How long sessions were engaged' });
  root.replaceChildren(
    h('h1', {}, ctx.shared && ctx.site ? ctx.site.name : 'Overview'),
    h(
      'section',
      { class: 'kpis', 'aria-label': 'Key figures' },
      card('Sessions', number(stats.sessions)),
      ctx.shared
        ? card('Engaged time', duration(stats.engagedMs.total), 'all sessions together')
        : card('Visitors', number(stats.visitors)),
      card('Median engaged time', duration(stats.engagedMs.median), 'half of sessions were engaged longer'),
      card('p90 engaged time', duration(stats.engagedMs.p90), 'the most engaged tenth'),
    ),
    h(
      'section',
      { class: 'grid-2' },
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time by day'), days),
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time per session'), histogram),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Top pages by engaged time'), topPages(stats.byPage)),
  );
  dayChart(days, stats.byDay);
  histogramChart(histogram, stats.histogram);
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
