// The one error the client throws for an answer it did not want: the API's code and status, as
// the error envelope of docs/API.md gives them.

export class DwellApiError extends Error {
  override name = 'DwellApiError';
  constructor(
    /** The HTTP status, e.g. 401. */
    readonly status: number,
    /** The API's error code, e.g. UNAUTHORIZED; HTTP_<status> when the answer had no envelope. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Reads a failed answer's envelope; a body that is not one (a proxy's page) keeps the status. */
  static async from(response: Response): Promise<DwellApiError> {
    let code = `HTTP_${response.status}`;
    let message = response.statusText || code;
    try {
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON: the status says enough.
    }
    return new DwellApiError(response.status, code, message);
  }
}
