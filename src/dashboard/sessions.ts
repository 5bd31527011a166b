// The sessions view: filters, the newest sessions of the site, and a session's timeline.
// Four columns, so the table fits its half of a laptop screen and a phone without scrolling
// sideways (issue #23): a session's status sits under its start, its visible time under its
// engaged time.

import { filterChips } from './filters.ts';
import { breakable, duration, h, shortUrl, spansHosts, when } from './format.ts';
import { originFacts } from './session-origin.ts';
import type { Context, Origin, Session } from './types.ts';

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
    { class: 'card detail', 'aria-live': 'polite', tabindex: '-1' },
    h('p', { class: 'muted' }, 'Choose a session to see its timeline.'),
  );
  root.replaceChildren(
    h('h1', {}, 'Sessions'),
    filterChips(ctx),
    form,
    h(
      'div',
      { class: 'grid-sessions' },
      h(
        'section',
        { class: 'card' },
        h(
          'table',
          { class: 'table sessions-table', id: 'sessions-table' },
          h('caption', { class: 'sr-only' }, 'Sessions, newest first'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Started'),
              h('th', { scope: 'col' }, 'Who'),
              h('th', { scope: 'col' }, 'Entry page'),
              h('th', { scope: 'col', class: 'num' }, 'Engaged'),
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
  const shown: Session[] = [];
  const load = async () => {
    const page = await ctx.read<{ items: Session[]; nextCursor: string | null }>('sessions', {
      ...filters,
      from: params.get('email') ? undefined : ctx.from,
      limit: 50,
      cursor: cursor ?? undefined,
    });
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    shown.push(...page.items);
    if (shown.length === 0)
      tbody.replaceChildren(
        h('tr', {}, h('td', { colspan: '4', class: 'muted' }, 'No sessions match these filters.')),
      );
    const withHost = spansHosts(shown.map((s) => s.entryUrl));
    for (const s of page.items)
      tbody.append(sessionRow(s, withHost, () => void showSession(ctx, detail, s.id)));
  };
  more.addEventListener('click', () => void load());
  await load();
}

function sessionRow(s: Session, withHost: boolean, open: () => void) {
  return h(
    'tr',
    {},
    h(
      'td',
      { class: 'started' },
      h('button', { type: 'button', class: 'link', 'data-session': s.id, onclick: open }, when(s.startedAt)),
      h('span', { class: `pill ${s.status}` }, s.status),
    ),
    h(
      'td',
      { class: 'who', title: s.email ?? s.visitorId ?? '' },
      s.email ? breakable(s.email) : h('span', { class: 'muted' }, s.visitorId ?? '—'),
    ),
    h('td', { class: 'wrap', title: s.entryUrl ?? '' }, breakable(shortUrl(s.entryUrl, withHost))),
    h(
      'td',
      { class: 'num' },
      h('span', { class: 'engaged' }, duration(s.engagedMs)),
      h(
        'span',
        { class: 'visible muted', title: 'Visible time' },
        s.visibleMs === null ? '—' : `${duration(s.visibleMs)} visible`,
      ),
    ),
  );
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

async function showSession(ctx: Context, detail: HTMLElement, id: string) {
  const s = await ctx.read<
    Session & { timeline: { url: string | null; start: string; end: string }[]; origin?: Origin | null }
  >(`sessions/${encodeURIComponent(id)}`);
  const start = Date.parse(s.startedAt);
  const end = Math.max(
    Date.parse(s.lastActivityAt),
    ...s.timeline.map((t) => Date.parse(t.end)),
    start + 1000,
  );
  const pct = (t: number) => (((t - start) / (end - start)) * 100).toFixed(2);
  const urls = [...new Set(s.timeline.map((t) => t.url ?? ''))];
  const withHost = spansHosts(s.pages.map((p) => p.url));
  const page = (url: string | null) => shortUrl(url, withHost);
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
      ...originFacts(s.origin ?? null),
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
            title: `${page(t.url)}: ${duration(Date.parse(t.end) - Date.parse(t.start))}`,
          },
          h(
            'span',
            { class: 'sr-only' },
            `${page(t.url)} from ${when(t.start)} for ${duration(Date.parse(t.end) - Date.parse(t.start))}`,
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
          h('span', { class: 'grow', title: p.url }, page(p.url)),
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
