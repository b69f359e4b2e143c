/**
 * JSON may carry strings no store keeps the same: "\u0000" (PostgreSQL refuses it in
 * text, SQLite keeps it) and unpaired surrogates (not encodable as UTF-8; they would be
 * stored as U+FFFD). Both are refused at the door, for REST bodies and socket frames
 * alike, so the answer is a 400 naming the field on every store, never a 500.
 */

// Only escapes can put these in parsed JSON (raw control characters are invalid JSON),
// so most bodies are cleared by this scan without walking the parsed value.
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;
const LONE_SURROGATE = /\p{Cs}/u;

const badString = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);

/** The dotted path of the first string (key or value) that cannot be stored as sent, or null. */
export function unstorableTextPath(raw: string, value: unknown): string | null {
  return SUSPECT_ESCAPE.test(raw) ? find(value, '') : null;
}

function find(value: unknown, path: string): string | null {
  if (typeof value === 'string') return badString(value) ? path || '(value)' : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (badString(key)) return at;
    const found = find(item, at);
    if (found) return found;
  }
  return null;
}

export const UNSTORABLE_TEXT_MESSAGE =
  'contains a NUL character (\\u0000) or an unpaired surrogate; send valid Unicode text';
