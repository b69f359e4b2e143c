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
  const out: number[] = [];
  const offsets = new Int32Array(limit + 1);
  let pendingSpace = false;
  for (let i = 0; i < limit; i++) {
    let c = input.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff && i + 1 < limit) {
        if (pendingSpace) pushSpace(out, offsets, i);
        pendingSpace = false;
        offsets[out.length] = i;
        out.push(c);
        offsets[out.length] = i + 1;
        out.push(next);
        i++;
      }
      continue;
    }
    if (isSpace(c)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (isInvisible(c)) continue;
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else c = simplifyCodeUnit(c);
    if (pendingSpace) pushSpace(out, offsets, i);
    pendingSpace = false;
    offsets[out.length] = i;
    out.push(c);
  }
  offsets[out.length] = out.length === 0 ? 0 : offsets[out.length - 1]! + 1;
  return { text: String.fromCharCode(...out), offsets: offsets.subarray(0, out.length + 1) };
}

function pushSpace(out: number[], offsets: Int32Array, at: number) {
  offsets[out.length] = at - 1;
  out.push(0x20);
}
