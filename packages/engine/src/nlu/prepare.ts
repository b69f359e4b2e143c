import { canonicalForNgrams, featureHashes, featureKeys } from './features.ts';
import { type NormalisedText, normalise } from './normalise.ts';
import { tokenise } from './tokenise.ts';
import type { WordSegmenter } from './word-segmenter.ts';

/** One message made ready for every model: normalised once, tokenised once, featurised once. */
export interface PreparedText {
  normalised: NormalisedText;
  tokens: string[];
  /** Feature hashes: what the models score on the per-message path. */
  hashes: Int32Array;
  /** The same features as strings (training, debugging); built on first access. */
  readonly keys: string[];
}

export type VocabularySpans = (text: string) => readonly { start: number; end: number }[];

export function prepareText(
  text: string,
  segmenter: WordSegmenter,
  vocabulary?: VocabularySpans,
): PreparedText {
  const normalised = normalise(text);
  const tokens = tokenise(normalised.text, segmenter, vocabulary);
  const canonical = canonicalForNgrams(normalised.text);
  let keys: string[] | undefined;
  return {
    normalised,
    tokens,
    hashes: featureHashes(canonical, tokens),
    get keys() {
      keys ??= featureKeys(canonical, tokens);
      return keys;
    },
  };
}
