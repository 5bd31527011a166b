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
    new HttpError(
      401,
      'UNAUTHORIZED',
      'A valid admin or site token is required: Authorization: Bearer <token>.',
    ),
  forbidden: (message = 'This session cannot be credited with these credentials.') =>
    new HttpError(403, 'FORBIDDEN', message),
  sessionNotFound: () =>
    new HttpError(404, 'SESSION_NOT_FOUND', 'No session has this id; start a new session.'),
  notFound: (what = 'Nothing here') => new HttpError(404, 'NOT_FOUND', `${what}.`),
  // The query API (API.md "Query").
  invalidCursor: () =>
    new HttpError(400, 'INVALID_CURSOR', 'This cursor was not returned by this API; start again without it.'),
  invalidRange: (detail: string) => new HttpError(400, 'INVALID_QUERY', detail),
  // Sites (API.md "Sites").
  siteNotFound: () =>
    new HttpError(404, 'SITE_NOT_FOUND', 'No site with this id can be read with these credentials.'),
  siteRequired: (ids: string[]) =>
    new HttpError(
      400,
      'SITE_REQUIRED',
      `This Dwell has ${ids.length} sites: say which with site= (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}).`,
    ),
  // A host or id another site has is bad input like any other (issue #23): 400, naming the field.
  siteConflict: (detail: string) => new HttpError(400, 'INVALID_BODY', detail),
  adminOnly: () =>
    new HttpError(403, 'ADMIN_ONLY', 'Only the admin token may do this; a site token reads its site only.'),
  shareNotFound: () =>
    new HttpError(404, 'SHARE_NOT_FOUND', 'This shared link does not exist or was revoked.'),
  sharePassword: () =>
    new HttpError(401, 'SHARE_PASSWORD', 'This shared link has a password: enter it to see the dashboard.'),
  // The email gate (API.md "Email-gated access").
  invalidEmail: () =>
    new HttpError(400, 'INVALID_EMAIL', 'Enter a valid email address, like name@example.com.'),
  emailNotAllowed: () =>
    new HttpError(403, 'EMAIL_NOT_ALLOWED', 'This email address is not allowed to view these pages.'),
  crossOrigin: () =>
    new HttpError(403, 'CROSS_ORIGIN', 'This form can only be sent from a page of this site; reload it.'),
  noSession: () =>
    new HttpError(400, 'NO_SESSION', 'No session_record_id cookie: open the page through the gate first.'),
  linkNotFound: () =>
    new HttpError(404, 'LINK_NOT_FOUND', 'This access link is not valid; ask for a new one.'),
  linkUsed: () => new HttpError(410, 'LINK_USED', 'This access link was already used; ask for a new one.'),
  linkExpired: () => new HttpError(410, 'LINK_EXPIRED', 'This access link has expired; ask for a new one.'),
  mailUnavailable: () =>
    new HttpError(503, 'MAIL_UNAVAILABLE', 'The access email could not be sent; try again shortly.', {
      'retry-after': '30',
    }),
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
