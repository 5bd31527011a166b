// @dwell/tracker/client: a typed client for Dwell's query API (docs/API.md, "Query"), for server
// code and scripts. It holds the admin token, so it never belongs in a browser bundle.

import { DwellApiError } from './error.ts';
import { readEvents, readLines } from './lines.ts';
import type {
  CreatedShareLink,
  CreatedSiteToken,
  ExportQuery,
  LiveQuery,
  LiveSnapshot,
  NewSite,
  PageSections,
  PageSectionsQuery,
  Session,
  SessionDetail,
  SessionFilter,
  SessionPage,
  ShareLink,
  Site,
  SiteItem,
  SitePatch,
  SiteToken,
  Stats,
  StatsQuery,
  VisitorPage,
  VisitorQuery,
} from './types.ts';

export { DwellApiError } from './error.ts';
export type * from './types.ts';

export interface ClientOptions {
  /** The Dwell server's base URL, e.g. https://dwell.example.com */
  url: string;
  /** The admin token (DWELL_ADMIN_TOKEN), or a site token (reads its one site). */
  token: string;
  /**
   * The site every analytics call reads (`site=`), where a call does not name one: needed when the
   * server has several sites and the token is the admin's.
   */
  site?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/** Sessions one at a time, newest first, fetching the next page by its cursor only when needed. */
export interface SessionList extends AsyncIterable<Session> {
  /** The same list a page at a time (`limit` sessions each), as the API returns them. */
  pages(): AsyncIterable<SessionPage>;
}

export interface DwellClient {
  sessions(filter?: SessionFilter): SessionList;
  session(id: string): Promise<SessionDetail>;
  /** One page of people (email, else visitor key), most recently seen first. */
  visitors(query?: VisitorQuery): Promise<VisitorPage>;
  stats(query?: StatsQuery): Promise<Stats>;
  /** A page's attention map: engaged time and reach per section, for the period or one person. */
  sections(query: PageSectionsQuery): Promise<PageSections>;
  /** The export's lines (a CSV header and rows, or one NDJSON session per line), streamed. */
  export(query?: ExportQuery): AsyncIterable<string>;
  /** Who is engaged now: a snapshot on connect and after beats arrive; `break` closes the stream. */
  live(query?: LiveQuery): AsyncIterable<LiveSnapshot>;
  /** Sites, their tokens and shared links (the admin token; a site token lists its own site only). */
  sites: SitesClient;
}

export interface SitesClient {
  list(): Promise<SiteItem[]>;
  get(id: string): Promise<Site>;
  create(site: NewSite): Promise<Site>;
  update(id: string, patch: SitePatch): Promise<Site>;
  /** Removes the site with its sessions; answers how many went. */
  remove(id: string): Promise<{ id: string; sessions: number }>;
  tokens(id: string): Promise<SiteToken[]>;
  /** The answer's `token` is shown this once. */
  createToken(id: string, options?: { name?: string }): Promise<CreatedSiteToken>;
  revokeToken(id: string, tokenId: string): Promise<void>;
  links(id: string): Promise<ShareLink[]>;
  /** The answer's `url` (`/share/<secret>`) is shown this once. */
  createLink(id: string, options?: { name?: string; password?: string }): Promise<CreatedShareLink>;
  revokeLink(id: string, linkId: string): Promise<void>;
}

type Params = Record<string, string | number | undefined>;

export function createClient(options: ClientOptions): DwellClient {
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;

  /** One request; any answer but a 2xx becomes a DwellApiError. */
  async function request(path: string, params: Params = {}, signal?: AbortSignal): Promise<Response> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries({ site: options.site, ...params })) {
      if (value !== undefined && value !== '') search.set(key, String(value));
    }
    const query = search.size ? `?${search}` : '';
    const response = await fetchImpl(`${base}/api/v1/analytics/${path}${query}`, {
      headers: { authorization: `Bearer ${options.token}` },
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw await DwellApiError.from(response);
    return response;
  }

  /** A call of the sites API: JSON in, the envelope's data out. */
  async function manage<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetchImpl(`${base}/api/v1/sites${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await DwellApiError.from(response);
    return ((await response.json()) as { data: T }).data;
  }
  const site = (id: string) => `/${encodeURIComponent(id)}`;

  async function data<T>(path: string, params?: Params): Promise<T> {
    const body = (await (await request(path, params)).json()) as { data: T };
    return body.data;
  }

  /** A streamed answer's body, opened on the first iteration and closed when the loop ends. */
  async function* stream<T>(
    path: string,
    params: Params,
    read: (body: ReadableStream<Uint8Array>) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    const abort = new AbortController();
    try {
      const response = await request(path, params, abort.signal);
      if (!response.body) return;
      yield* read(response.body);
    } finally {
      abort.abort();
    }
  }

  return {
    sessions(filter = {}) {
      async function* pages(): AsyncGenerator<SessionPage> {
        let cursor = filter.cursor;
        do {
          const page: SessionPage = await data('sessions', { ...filter, cursor });
          yield page;
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      return {
        pages,
        async *[Symbol.asyncIterator]() {
          for await (const page of pages()) yield* page.items;
        },
      };
    },
    session: (id) => data(`sessions/${encodeURIComponent(id)}`),
    visitors: (query = {}) => data('visitors', query),
    stats: (query = {}) => data('stats', query),
    sections: (query) => data('sections', query),
    export: (query = {}) => stream('export', { format: 'ndjson', ...query }, readLines),
    live: (query = {}) =>
      stream('live', query, async function* (body) {
        for await (const { event, data } of readEvents(body)) {
          if (event === 'live') yield JSON.parse(data) as LiveSnapshot;
        }
      }),
    sites: {
      list: async () => (await manage<{ items: SiteItem[] }>('GET', '')).items,
      get: (id) => manage('GET', site(id)),
      create: (input) => manage('POST', '', input),
      update: (id, patch) => manage('PATCH', site(id), patch),
      remove: (id) => manage('DELETE', site(id)),
      tokens: async (id) => (await manage<{ items: SiteToken[] }>('GET', `${site(id)}/tokens`)).items,
      createToken: (id, input = {}) => manage('POST', `${site(id)}/tokens`, input),
      revokeToken: async (id, tokenId) => {
        await manage('DELETE', `${site(id)}/tokens/${encodeURIComponent(tokenId)}`);
      },
      links: async (id) => (await manage<{ items: ShareLink[] }>('GET', `${site(id)}/links`)).items,
      createLink: (id, input = {}) => manage('POST', `${site(id)}/links`, input),
      revokeLink: async (id, linkId) => {
        await manage('DELETE', `${site(id)}/links/${encodeURIComponent(linkId)}`);
      },
    },
  };
}
