// The dashboard's only door to data: the API with the admin token (or a site token), kept in
// sessionStorage so it leaves with the tab. A 401 signs out; any other failure is an ApiError with
// the envelope's code and message, which forms show next to themselves.

import type { Params } from './types.ts';

const KEY = 'dwell.adminToken';

export class Unauthorized extends Error {}

/** A failure in API.md's envelope: `message` names the field at fault for a 400. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (value: string) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export function queryString(params: Params): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

/** The `data` of an envelope, or its error thrown as an ApiError. */
export async function unwrap<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as {
    success?: boolean;
    data?: unknown;
    error?: { code?: string; message?: string };
  } | null;
  if (!response.ok || !body?.success)
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'HTTP_ERROR',
      body?.error?.message ?? `HTTP ${response.status}`,
    );
  return body.data as T;
}

/** Any /api/v1 route with the token: GET by default, a JSON body for the others. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  { params = {}, body }: { params?: Params; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(`/api/v1/${path}${queryString(params)}`, {
    method,
    headers: {
      authorization: `Bearer ${token.get() ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) throw new Unauthorized('The token was refused.');
  return unwrap<T>(response);
}

/** An analytics route (API.md "Query"): stats, sessions, visitors, sections… */
export const api = <T>(path: string, params: Params = {}): Promise<T> =>
  request<T>('GET', `analytics/${path}`, { params });

/**
 * Server-Sent Events read with fetch, not EventSource: EventSource cannot send the Authorization
 * header, and a token in the URL would end up in logs. Reconnects after a pause if the stream drops.
 */
export function subscribe<T>(
  path: string,
  onEvent: (data: T) => void,
  onState: (up: boolean) => void,
): () => void {
  const controller = new AbortController();
  let stopped = false;
  const connect = async () => {
    while (!stopped) {
      try {
        const response = await fetch(`/api/v1/analytics/${path}`, {
          headers: { authorization: `Bearer ${token.get() ?? ''}`, accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            if (data) onEvent(JSON.parse(data) as T);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        if (stopped) return;
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  };
  void connect();
  return () => {
    stopped = true;
    controller.abort();
  };
}
