// A body over the limit ends in a readable `413 BODY_TOO_LARGE`, not a connection reset (#27).
// Fastify answers it with `Connection: close` before reading the body; closing a socket with
// unread bytes makes the kernel send a reset, which can reach the client before the answer, and
// a client takes a reset for a network error and retries. So the body is read and dropped first,
// up to DRAIN_LIMIT bytes, and the connection stays open; a client that announces
// `Expect: 100-continue` is answered before it sends its body at all.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';

/** Bytes read and dropped to answer 413 on an open connection; past it the connection closes. */
export const DRAIN_LIMIT = 8 * 1024 * 1024;

/**
 * Node answers `Expect: 100-continue` with 100 by itself; this says it only for a declared length
 * within `bodyLimit`. A larger one goes to Fastify without it, and Fastify refuses it by its
 * Content-Length before reading: the client, still waiting to send, reads the 413 (RFC 9110 §10.1.1).
 */
export function continueOnlyWithinLimit(
  server: Server,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  bodyLimit: number,
): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers['content-length']) > bodyLimit)) response.writeContinue();
    handler(request, response);
  });
}

/** Reads and drops what is left of `request`'s body; false past `limit` bytes (then it stops). */
export function drainBody(request: IncomingMessage, limit: number): Promise<boolean> {
  if (request.complete || request.readableEnded) return Promise.resolve(true);
  if (Number(request.headers['content-length']) > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let read = 0;
    const finish = (drained: boolean) => {
      request.off('data', onData).off('end', onEnd).off('error', onFailure).off('close', onFailure);
      if (!drained) request.pause();
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onFailure = () => finish(request.complete);
    request.on('data', onData).once('end', onEnd).once('error', onFailure).once('close', onFailure);
    request.resume();
  });
}

export const oversizedBodiesPlugin = fp(
  async (app, { bodyLimit }: { bodyLimit: number }) => {
    // onError runs before the error handler that writes the 413, and is awaited.
    app.addHook('onError', async (request, reply, error: FastifyError) => {
      if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') return;
      // Refused before its 100 Continue (continueOnlyWithinLimit): the client never sends the body.
      const expectsContinue = request.headers.expect?.toLowerCase() === '100-continue';
      if (expectsContinue && Number(request.headers['content-length']) > bodyLimit) return;
      if (await drainBody(request.raw, DRAIN_LIMIT)) reply.removeHeader('connection');
    });
  },
  { name: 'dwell-oversized-bodies' },
);
