// Issue #27: a beat body over DWELL_BODY_LIMIT ends in a readable `413 BODY_TOO_LARGE`, never a
// connection reset (a client would take a reset for a network error and retry). Over a real socket:
// several 2 MB bodies in a row on one kept-alive connection, on both beat routes and in both content
// types; with fetch (undici); and with `Expect: 100-continue`, answered before the body is sent.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gateEnv } from '../gate/gate-helper.ts';
import { startServer, type TestServer } from '../helper.ts';

const TWO_MB = 2 * 1024 * 1024;
const CONTENT_TYPES = ['text/plain', 'application/json'] as const;
const ROUTES = [
  { method: 'POST', path: () => `/api/v1/analytics/session/${randomUUID()}/heartbeat` },
  { method: 'PATCH', path: () => `/api/v1/analytics/session/${randomUUID()}/heartbeat` },
  // The blueprint's cookie beacon: the body is parsed before the cookie is read.
  { method: 'POST', path: () => '/api/session-heartbeat' },
];

/** A JSON beat padded to `size` bytes. */
function oversizedBeat(size: number): Buffer {
  const head = '{"token":"t","seq":1,"engagedMs":1000,"url":"';
  return Buffer.from(`${head}${'a'.repeat(size - head.length - 2)}"}`);
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP/1.1 responses off one socket, in order, each with a Content-Length body. */
class ResponseReader {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;
  closed = false;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  async next(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error('the connection closed before a whole response');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = null;
    }
  }

  private parse(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const status = Number(statusLine!.split(' ')[1]);
    // Interim answers (100 Continue) have no body.
    const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return null;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status, headers, body };
  }
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function assertTooLarge(response: { status: number; body: string }): void {
  assert.equal(response.status, 413, response.body);
  assert.equal(JSON.parse(response.body).error.code, 'BODY_TOO_LARGE');
}

describe('an oversized beat body', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(gateEnv());
  });
  after(async () => {
    await server.close();
  });

  for (const route of ROUTES) {
    for (const type of CONTENT_TYPES) {
      it(`answers 413 to 2 MB bodies, three in a row on one kept-alive connection: ${route.method} ${route.path().replace(/[0-9a-f-]{36}/, ':id')}, ${type}`, async () => {
        const socket = await open(server.url);
        const reader = new ResponseReader(socket);
        try {
          const body = oversizedBeat(TWO_MB);
          for (let i = 0; i < 3; i++) {
            socket.write(
              `${route.method} ${route.path()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\n` +
                `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
            );
            socket.write(body);
            assertTooLarge(await reader.next());
          }
          // The connection still serves: the body was read and dropped, not left on the wire.
          socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
          assert.equal((await reader.next()).status, 200);
        } finally {
          socket.destroy();
        }
      });
    }
  }

  it('answers 413 to fetch (undici, keep-alive), every time, on both routes and content types', async () => {
    const body = oversizedBeat(TWO_MB);
    for (let i = 0; i < 3; i++) {
      for (const route of ROUTES) {
        for (const type of CONTENT_TYPES) {
          const response = await fetch(`${server.url}${route.path()}`, {
            method: route.method,
            headers: { 'content-type': type },
            body,
          });
          assertTooLarge({ status: response.status, body: await response.text() });
        }
      }
    }
  });

  it('answers 413 to a chunked body once it passes the limit, and the connection serves on', async () => {
    const socket = await open(server.url);
    const reader = new ResponseReader(socket);
    try {
      const body = oversizedBeat(TWO_MB);
      for (let i = 0; i < 2; i++) {
        socket.write(
          `POST ${ROUTES[0]!.path()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n` +
            'Transfer-Encoding: chunked\r\n\r\n',
        );
        for (let at = 0; at < body.length; at += 65_536) {
          const chunk = body.subarray(at, at + 65_536);
          socket.write(`${chunk.length.toString(16)}\r\n`);
          socket.write(chunk);
          socket.write('\r\n');
        }
        socket.write('0\r\n\r\n');
        assertTooLarge(await reader.next());
      }
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal((await reader.next()).status, 200);
    } finally {
      socket.destroy();
    }
  });

  it('with Expect: 100-continue, answers 413 before the body is sent, and 100 to a body that fits', async () => {
    for (const route of ROUTES) {
      for (const type of CONTENT_TYPES) {
        const socket = await open(server.url);
        const reader = new ResponseReader(socket);
        try {
          socket.write(
            `${route.method} ${route.path()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\n` +
              `Content-Length: ${TWO_MB}\r\nExpect: 100-continue\r\n\r\n`,
          );
          // No 100 Continue: the final answer comes while the client still holds its body.
          const refused = await reader.next();
          assertTooLarge(refused);
          assert.equal(refused.headers.connection, 'close');
        } finally {
          socket.destroy();
        }
      }
    }
    const socket = await open(server.url);
    const reader = new ResponseReader(socket);
    try {
      const small = Buffer.from('{"seq":1}');
      socket.write(
        `POST ${ROUTES[0]!.path()} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${small.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
      assert.equal((await reader.next()).status, 100);
      socket.write(small);
      assert.equal((await reader.next()).status, 404, 'an unknown session, after its body was read');
    } finally {
      socket.destroy();
    }
  });
});
