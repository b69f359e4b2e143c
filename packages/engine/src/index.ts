export {
  type ClassifierSnapshot,
  type ClassifierTrainingOptions,
  defaultClassifierOptions,
  type LabelledFeatures,
  type RankedLabel,
  TextClassifier,
  type TrainingProgress,
} from './nlu/classifier/intent-classifier.ts';
export { type PruneOptions, pruneSnapshot } from './nlu/classifier/prune.ts';
export {
  decodeClassifier,
  type EncodedClassifier,
  encodeClassifier,
} from './nlu/classifier/snapshot-codec.ts';
export { linearScores } from './nlu/classifier/softmax-regression.ts';
export { fitTemperature } from './nlu/classifier/temperature.ts';
export { Vectoriser } from './nlu/classifier/vectoriser.ts';
export { DictionaryMatcher } from './nlu/dictionary-matcher.ts';
export {
  analyseEmotion,
  combineEmotion,
  type EmotionLabel,
  type EmotionResult,
  type Polarity,
} from './nlu/emotion/index.ts';
export type { CarrierCode, Entity, EntityContext, EntityType, ProductRef } from './nlu/entities/entity.ts';
export { type EvaluationReport, evaluate } from './nlu/evaluation.ts';
export { FEATURES_VERSION } from './nlu/features.ts';
export { NluEngine, type NluEngineParts, type NluResult, OUT_OF_SCOPE } from './nlu/nlu-engine.ts';
export { MAX_NLU_CHARS, type NormalisedText, normalise } from './nlu/normalise.ts';
export { type PreparedText, prepareText, type VocabularySpans } from './nlu/prepare.ts';
export { INTENT_ID, type IntentExample, type ParseProblem, parseExamples } from './nlu/training-data.ts';
export {
  checkTrainingSet,
  defaultTrainingRules,
  type TrainingReport,
  type TrainingRules,
  utteranceKey,
} from './nlu/training-report.ts';
export type { WordSegmenter } from './nlu/word-segmenter.ts';
