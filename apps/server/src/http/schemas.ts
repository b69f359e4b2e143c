import { AppError, MAX_TEXT_LENGTH } from '@kefu/contracts';
import { z } from 'zod';

export const ErrorResponse = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  429: ErrorResponse,
};

export const IdParams = z.object({ id: z.string().min(1).max(64) });

export const Limit = z.coerce.number().int().min(1).max(100).default(20);

/** Opaque page cursors: callers pass back what they were given. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new AppError(
      'invalid',
      'request.invalid_cursor',
      'The cursor is not one this API returned; start from the first page',
    );
  }
}

export { MAX_TEXT_LENGTH };
