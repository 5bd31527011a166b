// Streamed bodies line by line (the export's CSV and NDJSON rows, the live stream's fields),
// read with a reader rather than `for await` over the stream, which Safari does not support.

/** Yields each line of `body` without its line break; cancels the body if the caller stops early. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = rest.split(/\r?\n/);
      rest = lines.pop() ?? '';
      yield* lines;
      if (done) break;
    }
    if (rest) yield rest;
  } finally {
    // A no-op once the body is done; otherwise it closes the connection.
    await reader.cancel().catch(() => {});
  }
}

/** Server-Sent Events (the WHATWG event-stream format): yields each event's name and data. */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string }> {
  let event = '';
  let data: string[] = [];
  for await (const line of readLines(body)) {
    if (line === '') {
      if (data.length) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    // Lines starting with a colon are comments (the server's pings).
    const colon = line.indexOf(':');
    if (colon === 0) continue;
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
}
