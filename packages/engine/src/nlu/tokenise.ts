import type { WordSegmenter } from './word-segmenter.ts';

const DROP = /^[\s,.;:'"`~@#$%^&*()\-_=+[\]{}\\|<>/，。、；：‘’“”…·～（）【】《》「」『』〔〕]+$/;
const QUESTION = /^[?？]+$/;
const EXCLAIM = /^[!！]+$/;
const DIGITS = /[0-9]/g;

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
    if (QUESTION.test(word)) tokens.push('?');
    else if (EXCLAIM.test(word)) tokens.push('!');
    else if (!DROP.test(word)) tokens.push(word.toLowerCase().replace(DIGITS, '0'));
  }
}
