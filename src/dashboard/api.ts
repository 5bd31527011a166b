// The dashboard's only door to data: the query API with the admin token (kept in sessionStorage,
// so it leaves with the tab). A 401 signs out.

const KEY = 'dwell.adminToken';

export class Unauthorized extends Error {}

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (value: string) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

export async function api<T>(
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const qs = query.toString();
  const response = await fetch(`/api/v1/analytics/${path}${qs ? `?${qs}` : ''}`, {
    headers: { authorization: `Bearer ${token.get() ?? ''}` },
  });
  if (response.status === 401) throw new Unauthorized('The admin token was refused.');
  const body = await response.json();
  if (!body.success) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body.data as T;
}

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
