// @dwell/tracker/client: a typed client for Dwell's query API (docs/API.md, "Query"), for server
// code and scripts. It holds the admin token, so it never belongs in a browser bundle.

import { DwellApiError } from './error.ts';
import { readEvents, readLines } from './lines.ts';
import type {
  ExportQuery,
  LiveQuery,
  LiveSnapshot,
  PageSections,
  PageSectionsQuery,
  Session,
  SessionDetail,
  SessionFilter,
  SessionPage,
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
  /** The admin token (DWELL_ADMIN_TOKEN). */
  token: string;
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
}

type Params = Record<string, string | number | undefined>;

export function createClient(options: ClientOptions): DwellClient {
  const base = options.url.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;

  /** One request; any answer but a 2xx becomes a DwellApiError. */
  async function request(path: string, params: Params = {}, signal?: AbortSignal): Promise<Response> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
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
  };
}
