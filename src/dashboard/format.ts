// Small formatting and DOM helpers for the dashboard.

export function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

export const number = (n: number) => n.toLocaleString('en');

export function when(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/**
 * A page as its site knows it (issue #23, "Pages are the site's paths"): its path, with the host in
 * front only where the list it is in spans several hosts of the site (see `spansHosts`).
 */
export function shortUrl(url: string | null, withHost = false): string {
  if (!url) return '—';
  try {
    const u = new URL(url);
    return (withHost ? u.host : '') + u.pathname + u.search;
  } catch {
    return url;
  }
}

/**
 * Whether a list of pages needs their hosts to tell them apart: a site of one host never does, and
 * neither does a site of several whose pages here all come from one of them.
 */
export function spansHosts(urls: (string | null)[]): boolean {
  const hosts = new Set<string>();
  for (const url of urls) {
    try {
      if (url) hosts.add(new URL(url).host);
    } catch {
      // Not a URL (a stored path): shown as it is, whatever the others are.
    }
  }
  return hosts.size > 1;
}

/** When something was last used: "never", or a date and time. */
export const lastUsed = (iso: string | null) => (iso === null ? 'never' : when(iso));

/** A URL or an email that a narrow column may break after its slashes, dots and @, not mid-word. */
export function breakable(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const part of text.split(/(?<=[/.?&@])/)) fragment.append(part, document.createElement('wbr'));
  return fragment;
}

type Child = Node | string | null | undefined | false;

/** h('div', { class: 'x' }, child…): a tiny element builder; text is always text, never HTML. */
export function h(
  tag: string,
  attrs: Record<string, string | boolean | EventListener> = {},
  ...children: Child[]
) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
