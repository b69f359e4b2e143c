import type { TextClassifier } from './classifier/intent-classifier.ts';
import type { DictionaryMatcher } from './dictionary-matcher.ts';
import { analyseEmotion, type EmotionLabel, type Polarity } from './emotion/index.ts';
import type { Entity, EntityContext, ProductRef } from './entities/entity.ts';
import { extractEntities } from './entities/index.ts';
import { type PreparedText, prepareText } from './prepare.ts';
import type { WordSegmenter } from './word-segmenter.ts';

export const OUT_OF_SCOPE = 'out_of_scope';

/** What Kefu understood of one message; the shape `kefu nlu predict --json` prints. */
export interface NluResult {
  text: string;
  /** The intent to act on: `out_of_scope` when the best guess is below the shop's threshold. */
  intent: string;
  /** Calibrated probability that `intent` is right. */
  confidence: number;
  /** The classifier's best intents, most likely first (even when `intent` fell back to out_of_scope). */
  ranking: { intent: string; confidence: number }[];
  entities: Entity[];
  emotion: EmotionLabel;
  polarity: Polarity;
  negativity: number;
}

export interface NluEngineParts {
  intents: TextClassifier;
  polarity: TextClassifier;
  segmenter: WordSegmenter;
  /** Shop words kept whole by the tokeniser (products, brands, custom words). */
  vocabulary?: DictionaryMatcher<unknown>;
  products?: DictionaryMatcher<ProductRef>;
  /** Below this top-intent confidence the answer is out_of_scope; shops tune it (0–1). */
  threshold: number;
  rankingSize?: number;
}

/**
 * The whole NLU call: normalise → tokenise → intent → entities → emotion. Immutable: a retrained
 * model is a new NluEngine, swapped in by reference, so an answer never mixes two models.
 */
export class NluEngine {
  private readonly vocabularySpans?: (text: string) => readonly { start: number; end: number }[];

  constructor(readonly parts: NluEngineParts) {
    const vocabulary = parts.vocabulary;
    if (vocabulary) this.vocabularySpans = (text) => vocabulary.findAll(text);
  }

  analyse(text: string, context: EntityContext): NluResult {
    const prepared = prepareText(text, this.parts.segmenter, this.vocabularySpans);
    const { intent, confidence, ranking } = this.classify(prepared);
    const { emotion, polarity, negativity } = analyseEmotion(prepared, this.parts.polarity);
    // Built field by field (no spreads): this object is made for every message.
    return {
      text,
      intent,
      confidence,
      ranking,
      entities: this.entities(text, prepared, context),
      emotion,
      polarity,
      negativity: round(negativity),
    };
  }

  private classify(prepared: PreparedText) {
    const { ranking: ranked, also: outOfScope } = this.parts.intents.top(
      prepared.hashes,
      this.parts.rankingSize ?? 5,
      OUT_OF_SCOPE,
    );
    const ranking: NluResult['ranking'] = [];
    for (const { label, confidence } of ranked)
      ranking.push({ intent: label, confidence: round(confidence) });
    const top = ranked[0]!;
    // No words at all (empty, emoji or punctuation only) is never a confident intent.
    if (top.confidence < this.parts.threshold || prepared.hashes.length === 0) {
      return { intent: OUT_OF_SCOPE, confidence: round(Math.max(outOfScope, 1 - top.confidence)), ranking };
    }
    return { intent: top.label, confidence: round(top.confidence), ranking };
  }

  /** Entities are found in the normalised text; their offsets and surface text are the original's. */
  private entities(original: string, prepared: PreparedText, context: EntityContext): Entity[] {
    const { text, offsets } = prepared.normalised;
    const found = extractEntities(text, context, this.parts.products);
    if (found.length === 0) return found;
    return found.map((entity) => {
      const start = offsets[entity.start]!;
      const end = offsets[entity.end - 1]! + 1;
      return { ...entity, start, end, text: original.slice(start, end) };
    });
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;
