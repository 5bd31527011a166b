// The live view: who is engaged on the site right now, drawn from the SSE stream (main.ts).

import { duration, h, shortUrl, spansHosts } from './format.ts';
import type { Live } from './types.ts';

export function live(root: HTMLElement, state: Live | null) {
  const count = state?.count ?? 0;
  const sessions = state?.sessions ?? [];
  const withHost = spansHosts(sessions.map((s) => s.url));
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
          ...sessions.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, s.email ?? s.visitorId ?? '—'),
              h('td', {}, shortUrl(s.url, withHost)),
              h('td', {}, duration(s.engagedMs)),
              h('td', {}, new Date(s.lastActivityAt).toLocaleTimeString('en-GB')),
            ),
          ),
        ),
      ),
    ),
  );
}
