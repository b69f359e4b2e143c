import type { WordSegmenter } from './word-segmenter.ts';

const SEPARATORS = new Set(
  Array.from(' \t\n\r,.;:\'"`~@#$%^&*()-_=+[]{}\\|<>/，。、；：‘’“”…·～（）【】《》「」『』〔〕', (c) =>
    c.charCodeAt(0),
  ),
);
const QUESTION_MARKS = new Set([0x3f, 0xff1f]);
const EXCLAMATION_MARKS = new Set([0x21, 0xff01]);
const DIGITS = /[0-9]/g;
const UPPER_OR_DIGIT = /[A-Z0-9]/;

/** Whether every character of `word` is in `set` (char-code checks: this runs for every token). */
function allIn(word: string, set: ReadonlySet<number>): boolean {
  for (let i = 0; i < word.length; i++) if (!set.has(word.charCodeAt(i))) return false;
  return word.length > 0;
}

/**
 * Word tokens of normalised text for the models: lower case, punctuation dropped except ? and !,
 * digits masked (an order number and a price differ by length, not by value: 0000000000000000
 * vs 000). `vocabulary` spans (shop words: product names, brands) stay single tokens.
 */
export function tokenise(
  normalised: string,
  segmenter: WordSegmenter,
  vocabulary?: (text: string) => readonly { start: number; end: number }[],
): string[] {
  const tokens: string[] = [];
  let from = 0;
  for (const span of vocabulary?.(normalised) ?? []) {
    pushWords(tokens, segmenter, normalised.slice(from, span.start));
    tokens.push(normalised.slice(span.start, span.end).toLowerCase());
    from = span.end;
  }
  pushWords(tokens, segmenter, normalised.slice(from));
  return tokens;
}

function pushWords(tokens: string[], segmenter: WordSegmenter, text: string) {
  if (text.length === 0) return;
  for (const word of segmenter.cut(text)) {
    if (allIn(word, QUESTION_MARKS)) tokens.push('?');
    else if (allIn(word, EXCLAMATION_MARKS)) tokens.push('!');
    else if (!allIn(word, SEPARATORS)) {
      tokens.push(UPPER_OR_DIGIT.test(word) ? word.toLowerCase().replace(DIGITS, '0') : word);
    }
  }
}
