import tsCharacters from 'opencc-js/dict/TSCharacters';

/**
 * Traditional → simplified Chinese, character by character, from OpenCC's TSCharacters table.
 * opencc-js's own converter costs ~4 ms per message (it walks a phrase trie per call); a flat
 * BMP lookup keeps the NLU hot path in microseconds and keeps offsets 1:1 with the input.
 * Phrase-level conversions (e.g. 乾隆 vs 干燥) do not matter for intent and entity recognition.
 */
const table = new Map<number, number>();
for (const pair of tsCharacters.split('|')) {
  const space = pair.indexOf(' ');
  const from = pair.slice(0, space);
  const to = pair.slice(space + 1);
  if (from.length === 1 && to.length === 1) table.set(from.charCodeAt(0), to.charCodeAt(0));
}

/** The simplified form of one UTF-16 code unit, or the unit itself. */
export function simplifyCodeUnit(code: number): number {
  return code < 0x3400 ? code : (table.get(code) ?? code);
}
