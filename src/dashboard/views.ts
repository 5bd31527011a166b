// The dashboard's views: overview, sessions (with a session's timeline), people and live.

import { api } from './api.ts';
import { dayChart, histogramChart } from './charts.ts';
import { duration, h, number, shortUrl, when } from './format.ts';

interface Page {
  url: string;
  engagedMs: number;
  visibleMs: number | null;
  maxScroll: number | null;
  /** Engaged time per data-dwell-section, in page order. */
  sections?: { name: string; engagedMs: number }[];
}
interface Session {
  id: string;
  status: string;
  startedAt: string;
  lastActivityAt: string;
  endedAt: string | null;
  engagedMs: number;
  /** Null for sessions stored before Dwell measured it. */
  visibleMs: number | null;
  /** The wall clock, whole seconds. */
  duration: number;
  beats: number;
  email: string | null;
  visitorId: string | null;
  entryUrl: string | null;
  referrer: string | null;
  pages: Page[];
}
interface Stats {
  sessions: number;
  visitors: number;
  engagedMs: { total: number; median: number; p90: number };
  histogram: { le: number | null; count: number }[];
  byDay: { day: string; sessions: number; engagedMs: number }[];
  byPage: { url: string; sessions: number; engagedMs: number }[];
}
interface Visitor {
  email: string | null;
  visitorId: string | null;
  sessions: number;
  engagedMs: number;
  firstSeen: string;
  lastSeen: string;
}
export interface Live {
  count: number;
  sessions: {
    id: string;
    email: string | null;
    visitorId: string | null;
    url: string | null;
    engagedMs: number;
    lastActivityAt: string;
  }[];
}

export interface Context {
  from: string;
  to: string;
  go: (hash: string) => void;
}

const card = (label: string, value: string, hint?: string) =>
  h(
    'div',
    { class: 'card kpi' },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    hint ? h('div', { class: 'kpi-hint' }, hint) : null,
  );

export async function overview(root: HTMLElement, ctx: Context) {
  const stats = await api<Stats>('stats', { from: ctx.from, to: ctx.to });
  const days = h('div', { class: 'chart', role: 'img', 'aria-label': 'Engaged time and sessions by day' });
  const histogram = h('div', { class: 'chart', role: 'img', 'aria-label': 'How long sessions were engaged' });
  const top = Math.max(1, ...stats.byPage.map((p) => p.engagedMs));
  root.replaceChildren(
    h('h1', {}, 'Overview'),
    h(
      'section',
      { class: 'kpis', 'aria-label': 'Key figures' },
      card('Sessions', number(stats.sessions)),
      card('Visitors', number(stats.visitors)),
      card('Median engaged time', duration(stats.engagedMs.median), 'half of sessions were engaged longer'),
      card('p90 engaged time', duration(stats.engagedMs.p90), 'the most engaged tenth'),
    ),
    h(
      'section',
      { class: 'grid-2' },
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time by day'), days),
      h('div', { class: 'card' }, h('h2', {}, 'Engaged time per session'), histogram),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Top pages by engaged time'),
      h(
        'table',
        { class: 'table' },
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
          ...stats.byPage.slice(0, 12).map((p) =>
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
                    {
                      class: 'bar-label',
                      title: p.url,
                      href: `#/page?${new URLSearchParams({ url: p.url })}`,
                    },
                    shortUrl(p.url),
                  ),
                ),
              ),
              h('td', { class: 'num' }, number(p.sessions)),
              h('td', { class: 'num' }, duration(p.engagedMs)),
            ),
          ),
        ),
      ),
    ),
  );
  dayChart(days, stats.byDay);
  histogramChart(histogram, stats.histogram);
}

export async function sessions(root: HTMLElement, ctx: Context, params: URLSearchParams) {
  const filters = {
    email: params.get('email') ?? '',
    url: params.get('url') ?? '',
    status: params.get('status') ?? '',
  };
  const field = (name: 'email' | 'url', label: string, type: string, placeholder: string) =>
    h(
      'label',
      { class: 'field' },
      h('span', {}, label),
      h('input', { name, type, value: filters[name], placeholder, autocomplete: 'off' }),
    );
  const status = h(
    'select',
    { name: 'status' },
    ...['', 'active', 'ended', 'expired'].map((s) =>
      h('option', { value: s, ...(s === filters.status ? { selected: true } : {}) }, s || 'any'),
    ),
  );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter sessions' },
    field('email', 'Email', 'search', 'name@example.com'),
    field('url', 'Page URL', 'search', 'https://…'),
    h('label', { class: 'field' }, h('span', {}, 'Status'), status),
    h('button', { type: 'submit', class: 'button' }, 'Filter'),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v.trim()) data.set(k, v.trim());
    ctx.go(`#/sessions?${data}`);
  });
  const tbody = h('tbody', {});
  const more = h(
    'button',
    { type: 'button', class: 'button secondary', hidden: true },
    'Load more',
  ) as HTMLButtonElement;
  const detail = h(
    'section',
    { class: 'card detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Choose a session to see its timeline.'),
  );
  root.replaceChildren(
    h('h1', {}, 'Sessions'),
    form,
    h(
      'div',
      { class: 'grid-sessions' },
      h(
        'section',
        { class: 'card' },
        h(
          'table',
          { class: 'table', id: 'sessions-table' },
          h('caption', { class: 'sr-only' }, 'Sessions, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Started', 'Who', 'Entry page', 'Engaged', 'Visible', 'Status'].map((c) =>
                h('th', { scope: 'col', class: c === 'Engaged' || c === 'Visible' ? 'num' : '' }, c),
              ),
            ),
          ),
          tbody,
        ),
        more,
      ),
      detail,
    ),
  );
  let cursor: string | null = null;
  const load = async () => {
    const page = await api<{ items: Session[]; nextCursor: string | null }>('sessions', {
      ...filters,
      from: params.get('email') ? undefined : ctx.from,
      limit: 50,
      cursor: cursor ?? undefined,
    });
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    if (page.items.length === 0 && tbody.childElementCount === 0)
      tbody.append(
        h('tr', {}, h('td', { colspan: '6', class: 'muted' }, 'No sessions match these filters.')),
      );
    for (const s of page.items) {
      const open = h(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-session': s.id,
          onclick: () => void showSession(detail, s.id),
        },
        when(s.startedAt),
      );
      tbody.append(
        h(
          'tr',
          {},
          h('td', {}, open),
          h('td', {}, s.email ?? h('span', { class: 'muted' }, s.visitorId ?? '—')),
          h('td', { title: s.entryUrl ?? '' }, shortUrl(s.entryUrl)),
          h('td', { class: 'num' }, duration(s.engagedMs)),
          h('td', { class: 'num muted' }, s.visibleMs === null ? '—' : duration(s.visibleMs)),
          h('td', {}, h('span', { class: `pill ${s.status}` }, s.status)),
        ),
      );
    }
  };
  more.addEventListener('click', () => void load());
  await load();
}

/**
 * The three clocks on one scale, engaged first (issue #15): the gap between engaged and visible is
 * time on screen with nobody reading, the gap between visible and open the time it was hidden.
 * Visible time stored before Dwell measured it shows as unknown, never as a guess.
 */
function clockBars(s: Session) {
  const scale = Math.max(s.duration * 1000, s.visibleMs ?? 0, s.engagedMs, 1);
  const bar = (label: string, ms: number | null, kind: string) =>
    h(
      'div',
      { class: 'clock' },
      h('span', { class: 'clock-label' }, label),
      h(
        'span',
        { class: 'clock-track' },
        ms === null
          ? null
          : h('span', { class: `clock-fill ${kind}`, style: `width:${((ms / scale) * 100).toFixed(1)}%` }),
      ),
      h('span', { class: 'clock-value' }, ms === null ? 'not measured' : duration(ms)),
    );
  return h(
    'div',
    { class: 'clocks', role: 'group', 'aria-label': 'Engaged, visible and open time' },
    bar('Engaged', s.engagedMs, 'engaged'),
    bar('Visible', s.visibleMs, 'visible'),
    bar('Open', s.duration * 1000, 'open'),
  );
}

async function showSession(detail: HTMLElement, id: string) {
  const s = await api<Session & { timeline: { url: string | null; start: string; end: string }[] }>(
    `sessions/${encodeURIComponent(id)}`,
  );
  const start = Date.parse(s.startedAt);
  const end = Math.max(
    Date.parse(s.lastActivityAt),
    ...s.timeline.map((t) => Date.parse(t.end)),
    start + 1000,
  );
  const pct = (t: number) => (((t - start) / (end - start)) * 100).toFixed(2);
  const urls = [...new Set(s.timeline.map((t) => t.url ?? ''))];
  detail.replaceChildren(
    h('h2', {}, 'Session timeline'),
    clockBars(s),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Who'),
      h('dd', {}, s.email ?? s.visitorId ?? '—'),
      h('dt', {}, 'Started'),
      h('dd', {}, when(s.startedAt)),
      h('dt', {}, 'Engaged'),
      h(
        'dd',
        {},
        duration(s.engagedMs),
        s.visibleMs
          ? h(
              'span',
              { class: 'muted' },
              ` · ${Math.round((s.engagedMs / s.visibleMs) * 100)}% of its visible time`,
            )
          : null,
      ),
      h('dt', {}, 'Referrer'),
      h('dd', {}, s.referrer ?? 'direct'),
    ),
    h(
      'div',
      { class: 'timeline', role: 'list', 'aria-label': 'Engaged spans' },
      ...s.timeline.map((t) =>
        h(
          'div',
          {
            class: `span c${urls.indexOf(t.url ?? '') % 6}`,
            role: 'listitem',
            style: `left:${pct(Date.parse(t.start))}%;width:${Math.max(0.6, Number(pct(Date.parse(t.end))) - Number(pct(Date.parse(t.start)))).toFixed(2)}%`,
            title: `${shortUrl(t.url)}: ${duration(Date.parse(t.end) - Date.parse(t.start))}`,
          },
          h(
            'span',
            { class: 'sr-only' },
            `${shortUrl(t.url)} from ${when(t.start)} for ${duration(Date.parse(t.end) - Date.parse(t.start))}`,
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'timeline-axis' },
      h('span', {}, when(s.startedAt)),
      h('span', {}, when(new Date(end).toISOString())),
    ),
    h('h3', {}, 'Pages'),
    h(
      'ul',
      { class: 'pages' },
      ...s.pages.map((p) =>
        h(
          'li',
          {},
          h('span', { class: `dot c${Math.max(0, urls.indexOf(p.url)) % 6}` }),
          h('span', { class: 'grow', title: p.url }, shortUrl(p.url)),
          h('span', {}, duration(p.engagedMs)),
          h('span', { class: 'muted' }, p.visibleMs === null ? '' : `of ${duration(p.visibleMs)} visible`),
          h('span', { class: 'muted' }, p.maxScroll === null ? '' : `${p.maxScroll}% scrolled`),
          // Its sections, and the page's attention map for this person (attention-map.ts).
          p.sections?.length
            ? h(
                'a',
                {
                  class: 'page-sections',
                  href: `#/page?${new URLSearchParams({ url: p.url, ...(s.email ? { email: s.email } : {}) })}`,
                  title: 'The attention map of this page',
                },
                p.sections.map((x) => `${x.name} ${duration(x.engagedMs)}`).join(' · '),
              )
            : null,
        ),
      ),
    ),
  );
  detail.focus();
}

export async function people(root: HTMLElement, ctx: Context) {
  const list = await api<{ total: number; items: Visitor[] }>('visitors', {
    from: ctx.from,
    to: ctx.to,
    limit: 200,
  });
  const emails = list.items.filter((v) => v.email);
  const rows = [...emails, ...list.items.filter((v) => !v.email)].slice(0, 200);
  root.replaceChildren(
    h('h1', {}, 'People'),
    h(
      'p',
      { class: 'muted' },
      `${number(list.total)} people in this period. Time of two tabs open at once is counted once.`,
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { class: 'table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Person', 'Sessions', 'Engaged time', 'First seen', 'Last seen'].map((c) =>
              h('th', { scope: 'col', class: ['Sessions', 'Engaged time'].includes(c) ? 'num' : '' }, c),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map((v) =>
            h(
              'tr',
              {},
              h(
                'td',
                {},
                v.email
                  ? h('a', { href: `#/sessions?email=${encodeURIComponent(v.email)}` }, v.email)
                  : h('span', { class: 'muted' }, `visitor ${v.visitorId}`),
              ),
              h('td', { class: 'num' }, number(v.sessions)),
              h('td', { class: 'num' }, duration(v.engagedMs)),
              h('td', {}, when(v.firstSeen)),
              h('td', {}, when(v.lastSeen)),
            ),
          ),
        ),
      ),
    ),
  );
}

export function live(root: HTMLElement, state: Live | null) {
  const count = state?.count ?? 0;
  root.replaceChildren(
    h('h1', {}, 'Live'),
    h(
      'section',
      { class: 'card live-hero' },
      h('div', { class: 'live-count', id: 'live-count-big' }, String(count)),
      h('div', {}, count === 1 ? 'person engaged now' : 'people engaged now'),
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { class: 'table' },
        h(
          'thead',
          {},
          h('tr', {}, ...['Who', 'Page', 'Engaged', 'Last beat'].map((c) => h('th', { scope: 'col' }, c))),
        ),
        h(
          'tbody',
          {},
          ...(state?.sessions ?? []).map((s) =>
            h(
              'tr',
              {},
              h('td', {}, s.email ?? s.visitorId ?? '—'),
              h('td', {}, shortUrl(s.url)),
              h('td', {}, duration(s.engagedMs)),
              h('td', {}, new Date(s.lastActivityAt).toLocaleTimeString('en-GB')),
            ),
          ),
        ),
      ),
    ),
  );
}
