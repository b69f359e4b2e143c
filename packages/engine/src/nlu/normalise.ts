import { simplifyCodeUnit } from './trad-to-simp.ts';

/** Longer messages are cut here: every later stage is linear in this length, so time stays bounded. */
export const MAX_NLU_CHARS = 1000;

export interface NormalisedText {
  /** Half-width ASCII, simplified Chinese, single spaces, no control or zero-width characters. */
  text: string;
  /** For every index of `text` (and one past the end), the matching index in the original input. */
  offsets: Int32Array;
}

const isSpace = (c: number) =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
// Zero-width joiners/spaces, BOM and variation selectors carry no meaning for the engine.
const isInvisible = (c: number) =>
  (c >= 0x200b && c <= 0x200f) || c === 0xfeff || (c >= 0xfe00 && c <= 0xfe0f) || c < 0x20 || c === 0x7f;

/**
 * Canonical form every NLU stage works on. Full-width letters, digits and punctuation become
 * half-width (ＸＬ → XL, １２３ → 123, ？→ ?), traditional characters simplified, whitespace
 * collapsed, unpaired surrogates and invisible characters dropped. Emoji are kept (😡 is signal).
 * Letter case is kept for entities (SF…); features lower-case on their own.
 */
export function normalise(input: string): NormalisedText {
  const limit = Math.min(input.length, MAX_NLU_CHARS);
  const offsets = new Int32Array(limit + 1);
  const out = buffer;
  let n = 0;
  // Most messages come out unchanged: then the input string itself is the text (no copy).
  let changed = false;
  let pendingSpace = false;
  for (let i = 0; i < limit; i++) {
    let c = input.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff && i + 1 < limit) {
        if (pendingSpace) n = pushSpace(out, n, offsets, i);
        pendingSpace = false;
        offsets[n] = i;
        out[n++] = c;
        offsets[n] = i + 1;
        out[n++] = next;
        i++;
      }
      continue;
    }
    if (isSpace(c)) {
      pendingSpace = n > 0;
      continue;
    }
    if (isInvisible(c)) continue;
    const original = c;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else c = simplifyCodeUnit(c);
    if (pendingSpace) {
      changed ||= input.charCodeAt(i - 1) !== 0x20;
      n = pushSpace(out, n, offsets, i);
    }
    pendingSpace = false;
    changed ||= c !== original;
    offsets[n] = i;
    out[n++] = c;
  }
  offsets[n] = n === 0 ? 0 : offsets[n - 1]! + 1;
  // Fewer code units than read means something was dropped or a space run collapsed.
  const text = changed || n !== limit ? decode(out, n) : input.slice(0, limit);
  return { text, offsets: offsets.subarray(0, n + 1) };
}

/** Output code units, reused by every call (output is never longer than MAX_NLU_CHARS). */
const buffer = new Uint16Array(MAX_NLU_CHARS);

function pushSpace(out: Uint16Array, n: number, offsets: Int32Array, at: number): number {
  offsets[n] = at - 1;
  out[n] = 0x20;
  return n + 1;
}

function decode(codes: Uint16Array, n: number): string {
  let text = '';
  // fromCharCode takes arguments: in chunks, far below any engine's argument limit.
  for (let at = 0; at < n; at += 256) {
    text += String.fromCharCode.apply(null, codes.subarray(at, Math.min(n, at + 256)) as unknown as number[]);
  }
  return text;
}
