// The server's pino options: JSON lines for log collectors, readable lines (pino-pretty) for a person
// watching a terminal in development. Pure, so the choice is tested without a terminal.

import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

export interface LogDestination {
  /** Whether stdout is a terminal (process.stdout.isTTY). */
  isTTY: boolean;
  /** A stream to write JSON to instead of stdout (tests); never pretty-printed. */
  stream?: NodeJS.WritableStream;
}

/** Fastify's logger option in its object form (pino's options plus Fastify's). */
export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export function loggerOptions(config: Pick<Config, 'env' | 'logLevel'>, to: LogDestination): LoggerOptions {
  const options: LoggerOptions = {
    level: config.logLevel,
    // No raw IP, cookie, token or admin token ever reaches the log (privacy by default).
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-forwarded-for"]'],
    serializers: {
      req: (request: { method: string; url: string }) => ({
        method: request.method,
        url: request.url.split('?')[0],
      }),
    },
  };
  if (to.stream) return { ...options, stream: to.stream };
  // Production logs go to collectors that parse JSON, and a pipe (`npm start | tee`, systemd,
  // Docker) is read by programs too: only a person at a development terminal gets pretty lines.
  // pino-pretty runs in pino's transport worker, off the event loop that answers beats.
  if (!to.isTTY || config.env !== 'development') return options;
  return {
    ...options,
    transport: {
      target: 'pino-pretty',
      options: { colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    },
  };
}
