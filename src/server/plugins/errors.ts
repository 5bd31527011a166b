// Maps every failure to API.md's envelope: HttpError as declared, store outages to 503, Fastify's
// own validation and parser errors to 4xx, and anything unexpected to a 500 that hides internals.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { StoreUnavailableError } from '../../store/errors.ts';
import { errors, HttpError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API.md error code this request was answered with, for metrics. */
    errorCode: string | null;
  }
}

const VALIDATION_CODES: Record<string, string> = {
  body: 'INVALID_BODY',
  querystring: 'INVALID_QUERY',
  params: 'INVALID_PARAMS',
  headers: 'INVALID_HEADERS',
};

export function toHttpError(error: FastifyError | Error, bodyLimit: number): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreUnavailableError) return errors.unavailable();
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const code = VALIDATION_CODES[fastifyError.validationContext ?? 'body'] ?? 'INVALID_REQUEST';
    return new HttpError(400, code, fastifyError.message);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType('of this request');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalidBody(fastifyError.message);
  }
  if (error instanceof SyntaxError) return errors.invalidBody(`The body is not valid JSON: ${error.message}`);
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', fastifyError.message);
  }
  return null;
}

export const errorsPlugin = fp(
  async (app: FastifyInstance, options: { bodyLimit: number; exposeErrors: boolean }) => {
    app.decorateRequest('errorCode', null);

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const known = toHttpError(error, options.bodyLimit);
      if (known) {
        if (known.statusCode >= 500) request.log.warn({ err: error }, known.message);
        else request.log.debug({ code: known.code }, known.message);
        request.errorCode = known.code;
        return reply
          .code(known.statusCode)
          .headers(known.headers)
          .send({ success: false, error: { code: known.code, message: known.message } });
      }
      request.log.error({ err: error }, 'unexpected error');
      request.errorCode = 'INTERNAL';
      const message = options.exposeErrors ? error.message : 'Something went wrong on our side.';
      return reply.code(500).send({ success: false, error: { code: 'INTERNAL', message } });
    });

    app.setNotFoundHandler((request, reply) => {
      request.errorCode = 'NOT_FOUND';
      return reply.code(404).send({
        success: false,
        error: {
          code: 'NOT_FOUND',
          message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
        },
      });
    });
  },
  { name: 'dwell-errors' },
);
