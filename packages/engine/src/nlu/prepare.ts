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
  return new Prepared(normalised, tokenise(normalised.text, segmenter, vocabulary));
}

/** A class rather than an object literal with a getter: one allocation per message, not three. */
class Prepared implements PreparedText {
  readonly hashes: Int32Array;
  private readonly canonical: string;
  private lazyKeys?: string[];

  constructor(
    readonly normalised: NormalisedText,
    readonly tokens: string[],
  ) {
    this.canonical = canonicalForNgrams(normalised.text);
    this.hashes = featureHashes(this.canonical, tokens);
  }

  get keys(): string[] {
    this.lazyKeys ??= featureKeys(this.canonical, this.tokens);
    return this.lazyKeys;
  }
}
