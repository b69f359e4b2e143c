import pino, { type LoggerOptions } from 'pino';

const PHONE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const SECRET_PARAM = /([?&](?:token|access_token|key)=)[^&#\s]+/gi;
// Sessions and API keys carry a recognisable prefix: masked wherever they turn up.
const KEFU_SECRET = /\b(kf[sk]_)[A-Za-z0-9_-]{8,}/g;

/** Masks mainland mobile numbers (138****1234) and bearer secrets before anything is logged. */
export function redactText(text: string): string {
  return text
    .replace(PHONE, '$1****$2')
    .replace(SECRET_PARAM, '$1[redacted]')
    .replace(KEFU_SECRET, '$1[redacted]');
}

function redactValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValues(v, depth + 1));
  // Only plain objects are copied. Class instances — fastify's request and reply, errors —
  // are left whole for their serializers below: copying one drops its getters (req.url),
  // which made the req serializer throw and every request hang at log level info.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValues(v, depth + 1)]));
}

/** pino options shared by the server and the CLI: JSON lines, no secrets, no phone numbers. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'password',
        '*.password',
        'token',
        '*.token',
        'key',
      ],
      censor: '[redacted]',
    },
    formatters: { log: (obj: Record<string, unknown>) => redactValues(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => redactValues(a)) as Parameters<typeof method>);
      },
    },
    serializers: {
      req: (req: { method: string; url?: string; id: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactText(String(req.url ?? '')),
        ip: req.ip,
      }),
      err: (err: Error) => {
        const out = pino.stdSerializers.err(err);
        out.message = redactText(out.message);
        if (out.stack) out.stack = redactText(out.stack);
        return out;
      },
    },
  };
}
