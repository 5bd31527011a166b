// The Sites page (issue #23): every site with its sessions, visitors and median engaged time today
// and this week (days of the site's own time zone), a form to add a site, and the hosts recently
// declined for want of a site, each a click away from being added.

import { api, request } from './api.ts';
import { browserTimeZone, errorSlot, field, input, lines, onSubmit, timeZoneList } from './form.ts';
import { duration, h, number, when } from './format.ts';
import { siteHref } from './shell.ts';
import type { DeclinedHost, Site, Stats } from './types.ts';

export interface SitesPage {
  sites: Site[];
  /** Draws the page again (with the sites read again), with a note on top. */
  refresh: (note?: string) => void;
}

/** Today's date in a time zone, as the API takes it (a date is a day of the site's calendar). */
export function localDate(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The Monday of this week in a time zone. */
export function weekStart(timeZone: string, at = new Date()): string {
  const noon = Date.parse(`${localDate(timeZone, at)}T12:00:00Z`);
  const sinceMonday = (new Date(noon).getUTCDay() + 6) % 7;
  return new Date(noon - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

export async function sitesPage(root: HTMLElement, page: SitesPage) {
  const [figures, declined] = await Promise.all([
    Promise.all(page.sites.map(siteFigures)),
    request<{ items: DeclinedHost[] }>('GET', 'declined-hosts'),
  ]);
  root.replaceChildren(
    h('h1', {}, 'Sites'),
    page.sites.length === 0
      ? h('p', { class: 'muted' }, 'No site yet: add one below, then put the script on its pages.')
      : h(
          'section',
          { class: 'site-list', 'aria-label': 'Sites' },
          ...page.sites.map((s, i) => siteCard(s, figures[i]!)),
        ),
    h('div', { class: 'grid-2' }, addSiteForm(page), declinedHosts(declined.items, page)),
  );
}

async function siteFigures(site: Site): Promise<[Stats, Stats]> {
  const read = (from: string) => api<Stats>('stats', { site: site.id, from });
  return Promise.all([read(localDate(site.timeZone)), read(weekStart(site.timeZone))]);
}

function siteCard(site: Site, [today, week]: [Stats, Stats]) {
  const row = (label: string, s: Stats) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', { class: 'num' }, number(s.sessions)),
      h('td', { class: 'num' }, number(s.visitors)),
      h('td', { class: 'num' }, duration(s.engagedMs.median)),
    );
  return h(
    'article',
    { class: 'card site-card', 'data-site': site.id, 'aria-labelledby': `site-${site.id}` },
    h(
      'div',
      { class: 'site-head' },
      h('h2', { id: `site-${site.id}` }, h('a', { href: siteHref(site.id, '#/overview') }, site.name)),
      h('a', { class: 'button secondary small', href: siteHref(site.id, '#/settings') }, 'Settings'),
    ),
    h('p', { class: 'muted site-hosts' }, `${site.hosts.join(', ')} · ${site.timeZone}`),
    h(
      'table',
      { class: 'table figures' },
      h('caption', { class: 'sr-only' }, `${site.name}: today and this week, in ${site.timeZone}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('td', {}),
          h('th', { scope: 'col', class: 'num' }, 'Sessions'),
          h('th', { scope: 'col', class: 'num' }, 'Visitors'),
          h('th', { scope: 'col', class: 'num', title: 'Median engaged time' }, 'Median'),
        ),
      ),
      h('tbody', {}, row('Today', today), row('This week', week)),
    ),
  );
}

function addSiteForm(page: SitesPage) {
  const hosts = input('hosts', '', { required: true, placeholder: 'example.com, www.example.com' });
  const name = input('name', '', { placeholder: 'Example blog' });
  const timeZone = input('timeZone', browserTimeZone(), { list: 'time-zones', required: true });
  const form = h(
    'form',
    { class: 'card stack', 'aria-labelledby': 'add-site' },
    h('h2', { id: 'add-site' }, 'Add a site'),
    field('Hosts', hosts, 'The main one first; a host may have a path (bio.re/alice).'),
    field('Name', name, 'Optional: the main host if left empty.'),
    field('Time zone', timeZone, 'Its days start at midnight there.'),
    timeZoneList('time-zones'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, 'Add site')),
    errorSlot(),
  ) as HTMLFormElement;
  onSubmit(form, async () => {
    const site = await request<Site>('POST', 'sites', {
      body: {
        hosts: lines(hosts.value),
        timeZone: timeZone.value.trim(),
        ...(name.value.trim() ? { name: name.value.trim() } : {}),
      },
    });
    page.refresh(`Added ${site.name} (${site.hosts.join(', ')}).`);
  });
  return form;
}

function declinedHosts(items: DeclinedHost[], page: SitesPage) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'declined' },
    h('h2', { id: 'declined' }, 'Recently declined hosts'),
    items.length === 0
      ? h('p', { class: 'muted' }, 'None in the last 7 days: every page that sent a beat belongs to a site.')
      : h(
          'p',
          { class: 'muted' },
          'Pages of these hosts asked for a session, but no site claims them, so nothing was kept.',
        ),
    h('ul', { class: 'declined' }, ...items.map((d) => declinedHost(d, page))),
  );
}

function declinedHost(declined: DeclinedHost, page: SitesPage) {
  const target = h(
    'select',
    { name: 'target', 'aria-label': `Add ${declined.host} to` },
    h('option', { value: '' }, 'as a new site'),
    ...page.sites.map((s) => h('option', { value: s.id }, `to ${s.name}`)),
  ) as HTMLSelectElement;
  const form = h(
    'form',
    { class: 'declined-host', 'data-host': declined.host },
    h(
      'div',
      { class: 'grow' },
      h('strong', {}, declined.host),
      h(
        'div',
        { class: 'muted small' },
        `${number(declined.requests)} requests, last ${when(declined.lastAt)}`,
      ),
    ),
    h('div', { class: 'actions' }, target, h('button', { type: 'submit', class: 'button small' }, 'Add')),
    errorSlot(),
  ) as HTMLFormElement;
  onSubmit(form, async () => {
    const site = page.sites.find((s) => s.id === target.value);
    if (site) {
      await request<Site>('PATCH', `sites/${encodeURIComponent(site.id)}`, {
        body: { hosts: [...site.hosts, declined.host] },
      });
      page.refresh(`Added ${declined.host} to ${site.name}.`);
    } else {
      const added = await request<Site>('POST', 'sites', {
        body: { hosts: [declined.host], timeZone: browserTimeZone() },
      });
      page.refresh(`Added ${added.name} (${declined.host}).`);
    }
  });
  return h('li', {}, form);
}
