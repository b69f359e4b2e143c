export { type CueCounts, type CueKind, countCues } from './cues.ts';
export {
  analyseEmotion,
  combineEmotion,
  type EmotionLabel,
  type EmotionResult,
  type Polarity,
  positiveProbability,
} from './emotion.ts';
export { readSignals, type Signals } from './signals.ts';
