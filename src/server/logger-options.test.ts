import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { loggerOptions } from './logger-options.ts';

const development = { env: 'development', logLevel: 'info' } as const;

describe('loggerOptions', () => {
  it('pretty-prints for a person at a development terminal', () => {
    const options = loggerOptions(development, { isTTY: true });
    assert.equal(
      options.transport && 'target' in options.transport && options.transport.target,
      'pino-pretty',
    );
  });

  it('writes JSON when stdout is a pipe or a file', () => {
    assert.equal(loggerOptions(development, { isTTY: false }).transport, undefined);
  });

  it('writes JSON in production and in tests, even on a terminal', () => {
    for (const env of ['production', 'test'] as const) {
      assert.equal(loggerOptions({ env, logLevel: 'info' }, { isTTY: true }).transport, undefined, env);
    }
  });

  it('writes JSON to a given stream, never through a transport', () => {
    const stream = new PassThrough();
    const options = loggerOptions(development, { isTTY: true, stream });
    assert.equal(options.stream, stream);
    assert.equal(options.transport, undefined);
  });

  it('redacts authorization, cookies and forwarded addresses whatever the format', () => {
    for (const isTTY of [true, false]) {
      assert.deepEqual(loggerOptions(development, { isTTY }).redact, [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-forwarded-for"]',
      ]);
    }
  });

  it('names a transport pino can load (pino-pretty is installed)', async () => {
    const app = Fastify({ logger: loggerOptions({ ...development, logLevel: 'silent' }, { isTTY: true }) });
    await app.ready();
    await app.close();
  });
});
