/** Bump when features, tokenising or training change: cached built-in models of another version are retrained. */
export const FEATURES_VERSION = 2;

/**
 * Feature keys of one utterance for the linear models: words from the tokeniser plus character
 * 1–3-grams of the canonical text (word bigrams and 4-grams measured no better on held-out data). Character n-grams carry the signal
 * when jieba splits a typo (物留, 块递) or a shop word differently; words carry it for longer
 * phrases. Digit runs are collapsed so that every order number looks alike.
 */
export function featureKeys(canonical: string, tokens: readonly string[]): string[] {
  const keys: string[] = [];
  if (canonical === '' && tokens.length === 0) return keys;
  for (const token of tokens) keys.push(`w${token}`);
  const chars = `^${canonical}$`;
  for (let i = 0; i < chars.length; i++) {
    if (i > 0 && i < chars.length - 1) keys.push(`c${chars[i]}`);
    if (i + 2 <= chars.length) keys.push(`c${chars.slice(i, i + 2)}`);
    if (i + 3 <= chars.length) keys.push(`c${chars.slice(i, i + 3)}`);
  }
  return keys;
}

const PUNCTUATION = /[\s,.;:'"`~@#$%^&*()\-_=+[\]{}\\|<>/，。、；：‘’“”…·～（）【】《》「」『』〔〕]+/g;
const DIGITS = /[0-9]+/g;

/**
 * The character stream n-grams are taken from: lower case, digit runs as one '0', separators
 * dropped, question and exclamation marks kept (they tell a question from a complaint).
 */
export function canonicalForNgrams(normalised: string): string {
  return normalised.toLowerCase().replace(DIGITS, '0').replace(PUNCTUATION, '');
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const step = (h: number, code: number) => Math.imul(h ^ code, FNV_PRIME);
const WORD = step(FNV_OFFSET, 0x77); // 'w'
const CHAR = step(FNV_OFFSET, 0x63); // 'c'
const START = 0x5e; // '^'
const END = 0x24; // '$'

/** 32-bit FNV-1a of a feature key: how a trained model finds its features without building strings. */
export function hashKey(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = step(h, key.charCodeAt(i));
  return h | 0;
}

/**
 * The same features as `featureKeys`, as `hashKey` values computed straight from the characters:
 * the per-message path builds no feature strings and looks them up in an integer table.
 */
export function featureHashes(canonical: string, tokens: readonly string[]): Int32Array {
  if (canonical === '' && tokens.length === 0) return new Int32Array(0);
  const n = canonical.length + 2;
  const out = new Int32Array(tokens.length + (n - 2) + (n - 1) + Math.max(0, n - 2));
  let at = 0;
  for (const token of tokens) {
    let h = WORD;
    for (let i = 0; i < token.length; i++) h = step(h, token.charCodeAt(i));
    out[at++] = h | 0;
  }
  const code = (i: number) => (i === 0 ? START : i === n - 1 ? END : canonical.charCodeAt(i - 1));
  for (let i = 0; i < n; i++) {
    const a = step(CHAR, code(i));
    if (i > 0 && i < n - 1) out[at++] = a | 0;
    if (i + 2 <= n) {
      const b = step(a, code(i + 1));
      out[at++] = b | 0;
      if (i + 3 <= n) out[at++] = step(b, code(i + 2)) | 0;
    }
  }
  return out.subarray(0, at);
}
