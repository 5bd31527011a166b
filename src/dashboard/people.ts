// The people of a site in the period: known emails first, then anonymous visitors.

import { duration, h, number, when } from './format.ts';
import type { Context, Visitor } from './types.ts';

export async function people(root: HTMLElement, ctx: Context) {
  const list = await ctx.read<{ total: number; items: Visitor[] }>('visitors', {
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
