// A slow client (slowloris) cannot hold a connection open: a request that has not fully arrived
// within the request timeout (10 s) is answered 408 or cut off, and the server keeps serving.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startServer } from '../helper.ts';

describe('slow requests', () => {
  it('are cut off after the request timeout while others are still served', async () => {
    const server = await startServer();
    try {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1');
      socket.setEncoding('utf8');
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
      socket.on('error', () => {});
      const started = Date.now();
      socket.write(
        'POST /api/v1/analytics/session HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n',
      );
      // One byte a second, forever (or until cut off).
      const drip = setInterval(() => socket.writable && socket.write('a'), 1_000);
      try {
        const healthy = await fetch(`${server.url}/healthz`);
        assert.equal(healthy.status, 200, 'others are served meanwhile');
        const closedAt = await Promise.race([
          closed,
          new Promise<number>((resolve) => setTimeout(() => resolve(0), 20_000)),
        ]);
        assert.ok(closedAt > 0, 'the slow connection was closed');
        assert.ok(closedAt - started < 16_000, `closed after ${closedAt - started} ms`);
        assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), `answer: ${answer.slice(0, 40)}`);
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
    } finally {
      await server.close();
    }
  });
});
