// The one error type of the HTTP layer: every failure a client can see is declared here once, with
// its status and code from API.md. Routes throw these; the error handler turns them into envelopes.

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const errors = {
  invalidBody: (detail: string) => new HttpError(400, 'INVALID_BODY', detail),
  invalidQuery: (detail: string) => new HttpError(400, 'INVALID_QUERY', detail),
  invalidParams: (detail: string) => new HttpError(400, 'INVALID_PARAMS', detail),
  unauthorized: () =>
    new HttpError(401, 'UNAUTHORIZED', 'A valid admin token is required: Authorization: Bearer <token>.'),
  forbidden: (message = 'This session cannot be credited with these credentials.') =>
    new HttpError(403, 'FORBIDDEN', message),
  sessionNotFound: () =>
    new HttpError(404, 'SESSION_NOT_FOUND', 'No session has this id; start a new session.'),
  notFound: (what = 'Nothing here') => new HttpError(404, 'NOT_FOUND', `${what}.`),
  sessionExpired: () =>
    new HttpError(
      410,
      'SESSION_EXPIRED',
      'This session expired after a period without beats; start a new session.',
    ),
  bodyTooLarge: (limit: number) =>
    new HttpError(413, 'BODY_TOO_LARGE', `The body is larger than ${limit} bytes.`),
  unsupportedMediaType: (type: string) =>
    new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Type ${type} is not accepted here; send JSON.`),
  rateLimited: (retryAfterSeconds: number) =>
    new HttpError(429, 'RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s.`, {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (retryAfterSeconds = 5) =>
    new HttpError(503, 'UNAVAILABLE', 'The database is unavailable; retry shortly.', {
      'retry-after': String(retryAfterSeconds),
    }),
  notReady: (detail: string) =>
    new HttpError(503, 'UNAVAILABLE', `Not ready: ${detail}`, { 'retry-after': '5' }),
  shuttingDown: () =>
    new HttpError(503, 'UNAVAILABLE', 'The server is shutting down; retry shortly.', { 'retry-after': '2' }),
};
