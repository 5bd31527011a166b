// Body parsing for beacons: `navigator.sendBeacon(url, string)` sends text/plain, and the seed
// clients send no body at all, sometimes with Content-Type: application/json. Both parse as JSON;
// an empty body is "no body", never an error.

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.ts';

function parseJsonOrEmpty(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw errors.invalidBody(`The body is not valid JSON: ${(error as Error).message}`);
  }
}

export const bodyParsersPlugin = fp(
  async (app: FastifyInstance) => {
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'string' },
      (_request, body, done) => {
        try {
          done(null, parseJsonOrEmpty(body as string));
        } catch (error) {
          done(error as Error, undefined);
        }
      },
    );
    // Bodies are optional on every Dwell route: "no body" validates as an empty object.
    app.addHook('preValidation', (request, _reply, done) => {
      if (request.body === undefined || request.body === null) request.body = {};
      done();
    });
  },
  { name: 'dwell-body-parsers' },
);
