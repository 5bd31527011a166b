// The shared view at /share/<secret> (issue #23, "Shared links"): one site's figures, charts, pages
// origin panels and attention maps, read from the link's own API (/api/v1/share/<secret>/…), which
// answers stats, breakdowns and sections only: no people, sessions, live view, export, settings or
// other site. A link with a
// password asks for it first; the key /unlock answers stays in this tab (sessionStorage).

import { ApiError, queryString, unwrap } from './api.ts';
import { pageView } from './attention-map.ts';
import { errorSlot, field, input, onSubmit } from './form.ts';
import { h } from './format.ts';
import { overview } from './overview.ts';
import { brand, header, range, rangeSelect, tabs } from './shell.ts';
import type { Context, Params, SiteSummary } from './types.ts';

const READABLE = ['stats', 'sections', 'breakdown'];

export async function shared(app: HTMLElement, secret: string) {
  const base = `/api/v1/share/${encodeURIComponent(secret)}`;
  const keyName = `dwell.share.${secret}`;
  const call = async <T>(path: string, init: RequestInit = {}, params: Params = {}) => {
    const key = sessionStorage.getItem(keyName);
    const response = await fetch(`${base}${path}${queryString(params)}`, {
      ...init,
      headers: { ...(key ? { 'x-dwell-share-key': key } : {}), ...(init.headers ?? {}) },
    });
    return unwrap<T>(response);
  };

  const notFound = () =>
    page(
      null,
      false,
      h('h1', {}, 'This link does not work'),
      h(
        'p',
        { role: 'alert' },
        'This shared link does not exist or was revoked. Ask whoever sent it for a new one.',
      ),
    );

  /** The frame: the site's name, and its tab and period once the view is open (not behind a password). */
  const page = (site: SiteSummary | null, open: boolean, ...content: (HTMLElement | null)[]) => {
    const main = h('main', { id: 'main', tabindex: '-1', class: 'content' }, ...content);
    app.replaceChildren(
      header(
        brand(location.pathname),
        site ? h('span', { class: 'shared-name' }, site.name) : null,
        open ? tabs('overview', [['overview', 'Overview']]) : null,
        open
          ? h(
              'div',
              { class: 'top-right' },
              h('span', { class: 'muted' }, 'Shared view'),
              rangeSelect(() => void render()),
            )
          : null,
      ),
      main,
    );
    return main;
  };

  const askPassword = (site: SiteSummary, wrong: boolean) => {
    const password = input('password', '', {
      type: 'password',
      required: true,
      autocomplete: 'current-password',
    });
    const form = h(
      'form',
      { class: 'card signin stack' },
      h('h1', {}, site.name),
      h('p', { class: 'muted' }, 'This shared view has a password.'),
      field('Password', password),
      wrong ? h('p', { class: 'error', role: 'alert' }, 'That password is not right.') : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, 'Open')),
      errorSlot(),
    ) as HTMLFormElement;
    onSubmit(form, async () => {
      try {
        const { key } = await call<{ key: string }>('/unlock', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password: password.value }),
        });
        sessionStorage.setItem(keyName, key);
        await render();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'SHARE_PASSWORD')
          throw new Error('That password is not right.');
        throw error;
      }
    });
    page(site, false, form);
    password.focus();
  };

  let site: SiteSummary | null = null;
  const render = async (): Promise<void> => {
    try {
      if (!site) {
        const info = await call<{ site: SiteSummary; hasPassword: boolean }>('');
        site = info.site;
        if (info.hasPassword && !sessionStorage.getItem(keyName)) return askPassword(site, false);
      }
      const [path = 'overview', qs = ''] = location.hash.replace(/^#\/?/, '').split('?');
      const main = page(site, true);
      main.setAttribute('aria-busy', 'true');
      const ctx: Context = {
        ...range.period(),
        read: <T>(route: string, params: Params = {}) =>
          READABLE.includes(route)
            ? call<T>(`/${route}`, {}, params)
            : Promise.reject(new Error('A shared view shows aggregates only.')),
        site,
        shared: true,
        go: (hash) => {
          location.hash = hash;
        },
        // The shared view shows the breakdowns as they are; it keeps no filters of its own.
        filters: {},
        setFilters: () => {},
      };
      if (path === 'page') await pageView(main, ctx, new URLSearchParams(qs));
      else await overview(main, ctx);
      main.setAttribute('aria-busy', 'false');
    } catch (error) {
      // An unknown secret is a 404; one of the wrong shape (a mangled copy) a 400: the same to a reader.
      if (error instanceof ApiError && (error.code === 'SHARE_NOT_FOUND' || (!site && error.status === 400)))
        return void notFound();
      if (error instanceof ApiError && error.code === 'SHARE_PASSWORD' && site) {
        // A key of an old password (or none): ask again.
        const had = sessionStorage.getItem(keyName) !== null;
        sessionStorage.removeItem(keyName);
        return askPassword(site, had);
      }
      page(
        site,
        site !== null,
        h('p', { class: 'error', role: 'alert' }, `Could not load this view: ${(error as Error).message}`),
      );
    }
  };

  window.addEventListener('hashchange', () => void render());
  await render();
}
