// Domain errors of the store. Routes map them to HTTP (503 UNAVAILABLE); the store never speaks HTTP.

/** The database cannot take the write or the read right now (down, disk full, locked too long). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
