// The Dwell dashboard: sign in with the admin token (or a site token), then a site's overview,
// sessions, people and live, and the Sites pages, routed by the URL hash; the site and the origin
// filters are in the query string (?site=…&source=…). At /share/<secret> it is a shared link's
// read-only view instead (shared.ts).
// The live count in the header follows the SSE stream without reloads.

import './styles.css';
import { api, request, subscribe, token, Unauthorized } from './api.ts';
import { pageView } from './attention-map.ts';
import { FILTERED_ROUTES, filtersHref, readFilters } from './filters.ts';
import { h } from './format.ts';
import { live } from './live.ts';
import { overview } from './overview.ts';
import { people } from './people.ts';
import { sessions } from './sessions.ts';
import { shared } from './shared.ts';
import { brand, header, range, rangeSelect, siteSwitcher, tabs } from './shell.ts';
import { siteSettings } from './site-settings.ts';
import { sitesPage } from './sites.ts';
import type { Context, Live, Site, SiteSummary } from './types.ts';

const app = document.getElementById('app')!;
const SITE_VIEWS = ['overview', 'sessions', 'people', 'live', 'page'];
const ADMIN_VIEWS = ['sites', 'settings'];
let liveState: Live | null = null;
let liveSite: string | null = null;
let stopLive: (() => void) | null = null;
/** A note for the next render ("Saved.", "Removed …"), shown once above the view. */
let flash: string | null = null;
let renders = 0;
/** The query string the view on screen was drawn for: Back past a filter change draws it again. */
let drawnSearch = location.search;

function signIn(message?: string) {
  stopLive?.();
  stopLive = null;
  const input = h('input', {
    id: 'token',
    type: 'password',
    name: 'token',
    required: true,
    autocomplete: 'current-password',
    'aria-describedby': 'token-help',
  }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'card signin' },
    h('div', { class: 'brand big' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Dwell'),
    h('h1', {}, 'Sign in'),
    h('label', { for: 'token' }, 'Admin token'),
    input,
    h(
      'p',
      { id: 'token-help', class: 'muted' },
      'Printed by the server on first start and kept in the data folder (admin-token); a site token opens its one site. It stays in this tab only.',
    ),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('button', { type: 'submit', class: 'button' }, 'Sign in'),
  ) as HTMLFormElement;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    token.set(input.value.trim());
    if (!location.hash || location.hash === '#/signin') location.hash = '#/overview';
    void render();
  });
  app.replaceChildren(h('main', { class: 'signin-wrap' }, form));
  input.focus();
}

function liveText() {
  if (!liveState) return 'connecting…';
  return `${liveState.count} ${liveState.count === 1 ? 'person' : 'people'} engaged now`;
}

/** The live count of the site on screen; a new site starts a new stream. */
function startLive(site: string) {
  if (stopLive && liveSite === site) return;
  stopLive?.();
  liveState = null;
  liveSite = site;
  stopLive = subscribe<Live>(
    `live?${new URLSearchParams({ site })}`,
    (data) => {
      liveState = data;
      const badge = document.getElementById('live-count');
      if (badge) badge.textContent = liveText();
      document.getElementById('live-badge')?.classList.toggle('on', data.count > 0);
      const view = document.getElementById('main');
      if (view && location.hash.startsWith('#/live')) live(view, liveState);
    },
    (up) => document.getElementById('live-badge')?.classList.toggle('down', !up),
  );
}

function shell(
  active: string,
  sites: SiteSummary[],
  site: SiteSummary | null,
  admin: boolean,
  main: HTMLElement,
) {
  const views: [string, string][] = site
    ? [
        ['overview', 'Overview'],
        ['sessions', 'Sessions'],
        ['people', 'People'],
        ['live', 'Live'],
      ]
    : [];
  if (admin) views.push(['sites', 'Sites']);
  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      onclick: () => {
        token.clear();
        signIn();
      },
    },
    'Sign out',
  );
  app.replaceChildren(
    h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    header(
      brand(),
      siteSwitcher(sites, site),
      tabs(active === 'settings' ? 'sites' : active, views),
      h(
        'div',
        { class: 'top-right' },
        site
          ? h(
              'a',
              { href: '#/live', class: 'live-badge', id: 'live-badge', 'aria-live': 'polite' },
              h('span', { class: 'pulse', 'aria-hidden': 'true' }),
              h('span', { id: 'live-count' }, liveText()),
            )
          : null,
        rangeSelect(() => void render()),
        signOut,
      ),
    ),
    main,
  );
}

async function render() {
  if (!token.get()) return signIn();
  const [path = 'overview', qs = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const turn = ++renders;
  drawnSearch = location.search;
  let sites: (Site | SiteSummary)[];
  try {
    sites = (await request<{ items: (Site | SiteSummary)[] }>('GET', 'sites')).items;
    // A newer render (another click while this one waited) draws the page, not this one.
    if (turn !== renders) return;
  } catch (error) {
    if (error instanceof Unauthorized) return signIn('That token was not accepted. Check it and try again.');
    app.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, `Could not load the sites: ${(error as Error).message}`),
    );
    return;
  }
  // A site token is answered its own site without settings: it reads, it does not manage.
  const admin = sites.every((s) => 'origins' in s);
  const wanted = new URLSearchParams(location.search).get('site');
  const site = sites.find((s) => s.id === wanted) ?? sites[0] ?? null;
  const notes = [
    flash,
    wanted && site && wanted !== site.id ? `No site “${wanted}”: showing ${site.name}.` : null,
  ];
  flash = null;
  let view = [...SITE_VIEWS, ...(admin ? ADMIN_VIEWS : [])].includes(path) ? path : 'overview';
  if (!site && admin) view = 'sites';
  const main = h('main', { id: 'main', tabindex: '-1', class: 'content', 'aria-busy': 'true' });
  shell(view, sites, site, admin, main);
  const params = new URLSearchParams(qs);
  const filters = readFilters(location.search);
  const ctx: Context = {
    ...range.period(),
    read: (route, query = {}) =>
      api(route, { site: site?.id, ...(FILTERED_ROUTES.includes(route) ? filters : {}), ...query }),
    site,
    shared: false,
    go: (hash) => {
      location.hash = hash;
    },
    filters,
    setFilters: (next) => {
      history.pushState(null, '', filtersHref(next));
      void render();
    },
  };
  const refresh = (note?: string) => {
    flash = note ?? null;
    void render();
  };
  const body = h('div', {});
  main.replaceChildren(
    ...notes.filter((n): n is string => !!n).map((n) => h('p', { class: 'flash', role: 'status' }, n)),
    body,
  );
  try {
    if (!site && !admin) body.append(h('p', { class: 'muted' }, 'This token reads no site.'));
    else if (view === 'sites') await sitesPage(body, { sites: sites as Site[], refresh });
    else if (view === 'settings') await siteSettings(body, { site: site as Site, refresh });
    else if (view === 'overview') await overview(body, ctx);
    else if (view === 'sessions') await sessions(body, ctx, params);
    else if (view === 'people') await people(body, ctx);
    else if (view === 'page') await pageView(body, ctx, params);
    else live(body, liveState);
    main.setAttribute('aria-busy', 'false');
    if (site) startLive(site.id);
  } catch (error) {
    if (error instanceof Unauthorized) return signIn('That token was not accepted. Check it and try again.');
    body.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, `Could not load this view: ${(error as Error).message}`),
    );
  }
}

const secret = /^\/share\/([^/]+)\/?$/.exec(location.pathname)?.[1];
if (secret) void shared(app, decodeURIComponent(secret));
else {
  window.addEventListener('hashchange', () => void render());
  // Back and Forward across a filter change move the query string only: no hashchange.
  window.addEventListener('popstate', () => {
    if (location.search !== drawnSearch) void render();
  });
  void render();
}
