/**
 * The one error family of Kefu. Every module throws `AppError` with a stable, dotted
 * `code` (e.g. `conversation.not_found`) and a message a person can act on; the HTTP and
 * WebSocket layers map `kind` to a status in one place.
 *
 * @example
 * throw new AppError('not_found', 'conversation.not_found', `No conversation ${id} in this shop`);
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable';

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** The body of every error response, over HTTP and WebSocket alike. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
