import { canonicalForNgrams, featureKeys } from './features.ts';
import { type NormalisedText, normalise } from './normalise.ts';
import { tokenise } from './tokenise.ts';
import type { WordSegmenter } from './word-segmenter.ts';

/** One message made ready for every model: normalised once, tokenised once, featurised once. */
export interface PreparedText {
  normalised: NormalisedText;
  tokens: string[];
  keys: string[];
}

export type VocabularySpans = (text: string) => readonly { start: number; end: number }[];

export function prepareText(
  text: string,
  segmenter: WordSegmenter,
  vocabulary?: VocabularySpans,
): PreparedText {
  const normalised = normalise(text);
  const tokens = tokenise(normalised.text, segmenter, vocabulary);
  return { normalised, tokens, keys: featureKeys(canonicalForNgrams(normalised.text), tokens) };
}
