import { AppError, type ErrorBody, type ErrorKind, isAppError } from '@kefu/contracts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from './storable-text.ts';

const statusOf: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** Fastify's own 4xx errors, renamed into Kefu's codes with messages a caller can act on. */
const fastifyCodes: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request.too_large', 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'request.unsupported_media_type',
    'Send the body as application/json',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'request.empty_body', 'The JSON body is empty; send an object'],
  FST_ERR_BAD_URL: [400, 'request.invalid_url', 'The URL is not valid percent-encoded UTF-8'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'request.invalid_length',
    'Content-Length does not match the body',
  ],
};

/** The one place where errors become responses. Unknown errors are logged and hidden. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isAppError(err)) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.details) body.details = err.details;
    return { status: statusOf[err.kind], body, internal: false };
  }
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = fe.validationContext ?? 'body';
    const issues = fe.validation.map((v) => ({
      path: [where, ...String(v.instancePath).split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
    }));
    return {
      status: 400,
      body: {
        code: 'request.invalid',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        details: { issues },
      },
      internal: false,
    };
  }
  const known = fe.code ? fastifyCodes[fe.code] : undefined;
  if (known) return { status: known[0], body: { code: known[1], message: known[2] }, internal: false };
  if (fe.statusCode === 429) {
    return { status: 429, body: { code: 'request.rate_limited', message: fe.message }, internal: false };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { code: 'request.invalid', message: fe.message }, internal: false };
  }
  return {
    status: 500,
    body: { code: 'internal', message: 'Something went wrong on our side; it has been logged' },
    internal: true,
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body, internal } = toErrorResponse(err);
    if (internal) req.log.error({ err }, 'unhandled error');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ code: 'route.not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` }),
  );
}

/** JSON parser that refuses bytes that are not UTF-8 instead of silently replacing them. */
export function registerStrictJson(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    const text = decodeUtf8(body);
    if (text === null) {
      return done(
        new AppError(
          'invalid',
          'request.invalid_utf8',
          'The body is not valid UTF-8; send text encoded as UTF-8',
        ),
      );
    }
    if (text.trim() === '')
      return done(new AppError('invalid', 'request.empty_body', 'The JSON body is empty; send an object'));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(
        new AppError(
          'invalid',
          'request.invalid_json',
          `The body is not valid JSON: ${(e as Error).message}`,
        ),
      );
    }
    const bad = unstorableTextPath(text, value);
    if (bad !== null) {
      return done(new AppError('invalid', 'request.invalid_text', `body.${bad} ${UNSTORABLE_TEXT_MESSAGE}`));
    }
    done(null, value);
  });
  // The same for ids and filters in the URL: %00 would reach PostgreSQL as a NUL.
  app.addHook('onRequest', async (req) => {
    if (/%00/.test(req.url)) {
      throw new AppError(
        'invalid',
        'request.invalid_text',
        'The URL contains %00 (a NUL character); remove it',
      );
    }
  });
  // Only JSON bodies are accepted: without this, fastify's own text/plain parser hands
  // routes a string and the caller hears "expected object" instead of "send JSON".
  app.removeContentTypeParser('text/plain');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}
