// The overview's breakdown panels (issue #24): Sources, Campaigns, Devices and Countries, each
// ranking the values of one origin dimension by engaged time, with sessions and the median engaged
// time beside it. A panel may offer related dimensions as tabs (Campaign / Source / Medium). Clicking
// a value filters the whole overview by it; clicking the value filtered by removes the filter.

import { DIMENSIONS, NONE, valueLabel } from './filters.ts';
import { duration, h, number } from './format.ts';
import type { Breakdown, BreakdownRow, Context, Dimension } from './types.ts';

const ROWS = 8;

export interface PanelSpec {
  title: string;
  /** The dimensions the panel can show, the first by default, with their tab labels. */
  tabs: [Dimension, string][];
  /** Shown under the table: the data's credit (DB-IP for countries). */
  footer?: HTMLElement;
}

/** A panel, drawn once its first page is read (so the overview is whole when it says it is ready). */
export async function breakdownPanel(ctx: Context, spec: PanelSpec): Promise<HTMLElement> {
  const slug = spec.title.toLowerCase();
  const body = h('div', { class: 'breakdown-body' });
  const tabButtons = spec.tabs.map(([by, label], i) =>
    h(
      'button',
      {
        type: 'button',
        class: 'segment',
        'aria-pressed': i === 0 ? 'true' : 'false',
        onclick: () => void show(by),
      },
      label,
    ),
  );
  const show = async (by: Dimension) => {
    for (const [i, [tab]] of spec.tabs.entries())
      tabButtons[i]?.setAttribute('aria-pressed', String(tab === by));
    body.setAttribute('aria-busy', 'true');
    try {
      body.replaceChildren(await table(ctx, by));
    } catch (error) {
      body.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, `Could not load this: ${(error as Error).message}`),
      );
    }
    body.setAttribute('aria-busy', 'false');
  };
  await show(spec.tabs[0]![0]);
  return h(
    'section',
    { class: 'card breakdown', id: `panel-${slug}`, 'aria-labelledby': `panel-${slug}-title` },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { id: `panel-${slug}-title` }, spec.title),
      spec.tabs.length > 1
        ? h(
            'div',
            { class: 'segments', role: 'group', 'aria-label': `${spec.title}: show by` },
            ...tabButtons,
          )
        : null,
    ),
    body,
    spec.footer ?? null,
  );
}

async function table(ctx: Context, by: Dimension): Promise<HTMLElement> {
  const read = (cursor?: string) =>
    ctx.read<Breakdown>('breakdown', { by, from: ctx.from, to: ctx.to, limit: ROWS, cursor });
  const first = await read();
  if (first.items.length === 0) return h('p', { class: 'muted' }, 'No sessions in this period yet.');
  // Rows come most engaged first: the first is the longest bar of every later page too.
  const top = Math.max(1, first.items[0]?.engagedMs.total ?? 0);
  const tbody = h('tbody', {}, ...first.items.map((row) => rowOf(ctx, by, row, top)));
  let cursor = first.nextCursor;
  const more = h(
    'button',
    { type: 'button', class: 'button secondary small more', hidden: cursor === null },
    'More',
  ) as HTMLButtonElement;
  more.addEventListener('click', async () => {
    if (cursor === null) return;
    const page = await read(cursor);
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    tbody.append(...page.items.map((row) => rowOf(ctx, by, row, top)));
  });
  const panelBody = h(
    'div',
    {},
    h(
      'table',
      { class: 'table breakdown-table', 'data-by': by },
      h('caption', { class: 'sr-only' }, `${DIMENSIONS[by]}, most engaged time first`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, DIMENSIONS[by]),
          h('th', { scope: 'col', class: 'num' }, 'Sessions'),
          h('th', { scope: 'col', class: 'num' }, 'Engaged time'),
        ),
      ),
      tbody,
    ),
    more,
  );
  return panelBody;
}

function rowOf(ctx: Context, by: Dimension, row: BreakdownRow, top: number) {
  const value = row.value ?? NONE;
  const label = valueLabel(by, row.value);
  const active = ctx.filters[by] === value;
  const filter = () => {
    const next = { ...ctx.filters };
    if (active) delete next[by];
    else next[by] = value;
    ctx.setFilters(next);
  };
  return h(
    'tr',
    { 'data-value': value },
    h(
      'td',
      {},
      h(
        'div',
        { class: 'bar-cell' },
        h('span', { class: 'bar', style: `width:${((row.engagedMs.total / top) * 100).toFixed(1)}%` }),
        // The shared view has no filters: its rows are labels, not buttons.
        ctx.shared
          ? h('span', { class: `bar-label${row.value === null ? ' none' : ''}` }, label)
          : h(
              'button',
              {
                type: 'button',
                class: `bar-label row-filter${row.value === null ? ' none' : ''}`,
                title: active ? `Remove the filter ${DIMENSIONS[by]}: ${label}` : `Show only ${label}`,
                'aria-pressed': String(active),
                onclick: filter,
              },
              label,
            ),
      ),
    ),
    h('td', { class: 'num' }, number(row.sessions)),
    h(
      'td',
      { class: 'num' },
      h('span', { class: 'engaged' }, duration(row.engagedMs.total)),
      h('span', { class: 'median muted' }, `median ${duration(row.engagedMs.median)}`),
    ),
  );
}
