// The page view with its attention map (issue #17): the page's sections in page order, with bars of
// engaged time and of reach, for the period or for one person ("what did joe@ read?"). The shared
// view shows it for everyone only: a shared link never names a person.

import { filterChips } from './filters.ts';
import { duration, h, number, shortUrl } from './format.ts';
import type { Context } from './types.ts';

interface PageSections {
  url: string;
  sessions: number;
  sections: { name: string; position: number; engagedMs: number; sessions: number; reach: number }[];
}
interface PageStats {
  sessions: number;
  engagedMs: { total: number; median: number };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

const kpi = (label: string, value: string) =>
  h(
    'div',
    { class: 'card kpi' },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
  );

export async function pageView(root: HTMLElement, ctx: Context, params: URLSearchParams) {
  const url = params.get('url') ?? '';
  const email = ctx.shared ? '' : (params.get('email') ?? '');
  if (!url) {
    root.replaceChildren(
      h('h1', {}, 'Page'),
      h('p', { class: 'muted' }, 'Choose a page in the overview to see which parts of it people read.'),
    );
    return;
  }
  const query = { url, from: ctx.from, to: ctx.to, email: email || undefined };
  const [map, stats] = await Promise.all([
    ctx.read<PageSections>('sections', query),
    ctx.read<PageStats>('stats', query),
  ]);
  const input = h('input', {
    name: 'email',
    type: 'search',
    value: email,
    placeholder: 'everyone — or name@example.com',
    autocomplete: 'off',
  }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Whose reading' },
    h('label', { class: 'field' }, h('span', {}, 'One person (email)'), input),
    h('button', { type: 'submit', class: 'button' }, 'Show'),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams({ url });
    if (input.value.trim()) next.set('email', input.value.trim());
    ctx.go(`#/page?${next}`);
  });
  const who = email ? `${email}'s sessions` : 'all sessions';
  root.replaceChildren(
    h('h1', {}, 'Attention map'),
    filterChips(ctx),
    h(
      'p',
      { class: 'page-url' },
      h('a', { href: url, title: url, rel: 'noopener' }, shortUrl(url, (ctx.site?.hosts.length ?? 0) > 1)),
    ),
    ...(ctx.shared ? [] : [form]),
    h(
      'section',
      { class: 'kpis', 'aria-label': 'Key figures of the page' },
      kpi('Sessions on the page', number(map.sessions)),
      kpi('Engaged time on the page', duration(stats.engagedMs.total)),
      kpi('Median per session', duration(stats.engagedMs.median)),
      kpi('Marked sections', number(map.sections.length)),
    ),
    h(
      'section',
      { class: 'card', id: 'attention-map' },
      h('h2', {}, `Which part did they read? (${who}, in the period)`),
      map.sections.length === 0 ? empty(map.sessions) : sectionTable(map),
    ),
  );
}

function empty(sessions: number) {
  return h(
    'p',
    { class: 'muted' },
    sessions === 0
      ? 'No engaged time on this page in the period.'
      : 'No section of this page was read in the period. Mark the parts of the page with data-dwell-section="name" (docs/tracker.md, "Sections").',
  );
}

function sectionTable(map: PageSections) {
  const top = Math.max(1, ...map.sections.map((s) => s.engagedMs));
  const total = map.sections.reduce((sum, s) => sum + s.engagedMs, 0);
  return h(
    'table',
    { class: 'table attention' },
    h('caption', { class: 'sr-only' }, 'Sections in page order, with engaged time and reach'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Section'),
        h('th', { scope: 'col' }, 'Engaged time'),
        h('th', { scope: 'col' }, 'Reach'),
      ),
    ),
    h(
      'tbody',
      {},
      ...map.sections.map((s) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, h('span', { class: 'position' }, `${s.position + 1}`), s.name),
          h(
            'td',
            {
              class: 'map-bar',
              title: `${percent(s.engagedMs / Math.max(1, total))} of the time in sections`,
            },
            h(
              'div',
              { class: 'bar-cell' },
              h('span', { class: 'bar', style: `width:${((s.engagedMs / top) * 100).toFixed(1)}%` }),
              h('span', { class: 'bar-label' }, duration(s.engagedMs)),
            ),
          ),
          h(
            'td',
            { class: 'map-bar', title: `${number(s.sessions)} of ${number(map.sessions)} sessions` },
            h(
              'div',
              { class: 'bar-cell' },
              h('span', { class: 'bar reach', style: `width:${(s.reach * 100).toFixed(1)}%` }),
              h('span', { class: 'bar-label' }, `${percent(s.reach)} · ${number(s.sessions)}`),
            ),
          ),
        ),
      ),
    ),
  );
}
