// The Dwell dashboard: sign in with the admin token, then overview, sessions, people and live,
// routed by the URL hash. The live count in the header follows the SSE stream without reloads.

import './styles.css';
import { subscribe, token, Unauthorized } from './api.ts';
import { pageView } from './attention-map.ts';
import { h } from './format.ts';
import { type Context, type Live, live, overview, people, sessions } from './views.ts';

const app = document.getElementById('app')!;
const RANGES = { '7d': 7, '30d': 30, '90d': 90 } as const;
let range: keyof typeof RANGES = (sessionStorage.getItem('dwell.range') as keyof typeof RANGES) || '30d';
let liveState: Live | null = null;
let stopLive: (() => void) | null = null;

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
      'Printed by the server on first start and kept in the data folder (admin-token). It stays in this tab only.',
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

function shell(active: string, main: HTMLElement) {
  const link = (hash: string, label: string) =>
    h(
      'a',
      { href: `#/${hash}`, class: 'tab', ...(active === hash ? { 'aria-current': 'page' } : {}) },
      label,
    );
  const select = h(
    'select',
    { id: 'range', 'aria-label': 'Period' },
    ...Object.keys(RANGES).map((r) =>
      h(
        'option',
        { value: r, ...(r === range ? { selected: true } : {}) },
        `Last ${RANGES[r as keyof typeof RANGES]} days`,
      ),
    ),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    range = select.value as keyof typeof RANGES;
    sessionStorage.setItem('dwell.range', range);
    void render();
  });
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
    h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Dwell'),
      h(
        'nav',
        { 'aria-label': 'Views' },
        link('overview', 'Overview'),
        link('sessions', 'Sessions'),
        link('people', 'People'),
        link('live', 'Live'),
      ),
      h(
        'div',
        { class: 'top-right' },
        h(
          'a',
          { href: '#/live', class: 'live-badge', id: 'live-badge', 'aria-live': 'polite' },
          h('span', { class: 'pulse', 'aria-hidden': 'true' }),
          h('span', { id: 'live-count' }, liveText()),
        ),
        select,
        signOut,
      ),
    ),
    main,
  );
}

function liveText() {
  if (!liveState) return 'connecting…';
  return `${liveState.count} ${liveState.count === 1 ? 'person' : 'people'} engaged now`;
}

function startLive() {
  if (stopLive) return;
  stopLive = subscribe<Live>(
    'live',
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

async function render() {
  if (!token.get()) return signIn();
  const [path = 'overview', qs = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const view = ['overview', 'sessions', 'people', 'live', 'page'].includes(path) ? path : 'overview';
  const main = h('main', { id: 'main', tabindex: '-1', class: 'content', 'aria-busy': 'true' });
  shell(view, main);
  const now = new Date();
  const ctx: Context = {
    from: new Date(now.getTime() - RANGES[range] * 86_400_000).toISOString(),
    to: now.toISOString(),
    go: (hash) => {
      location.hash = hash;
    },
  };
  try {
    if (view === 'overview') await overview(main, ctx);
    else if (view === 'sessions') await sessions(main, ctx, new URLSearchParams(qs));
    else if (view === 'people') await people(main, ctx);
    else if (view === 'page') await pageView(main, ctx, new URLSearchParams(qs));
    else live(main, liveState);
    main.setAttribute('aria-busy', 'false');
    startLive();
  } catch (error) {
    if (error instanceof Unauthorized) return signIn('That token was not accepted. Check it and try again.');
    main.replaceChildren(
      h('p', { class: 'error', role: 'alert' }, `Could not load this view: ${(error as Error).message}`),
    );
  }
}

window.addEventListener('hashchange', () => void render());
void render();
