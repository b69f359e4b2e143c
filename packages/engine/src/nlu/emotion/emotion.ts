import type { TextClassifier } from '../classifier/intent-classifier.ts';
import type { PreparedText } from '../prepare.ts';
import { type CueCounts, countCues } from './cues.ts';
import { readSignals, type Signals } from './signals.ts';

export type EmotionLabel = 'angry' | 'anxious' | 'disappointed' | 'satisfied' | 'neutral';
export type Polarity = 'positive' | 'negative' | 'neutral';

export interface EmotionResult {
  emotion: EmotionLabel;
  polarity: Polarity;
  /** How negative the shopper is, 0 (calm or pleased) to 1 (furious, threatening to escalate). */
  negativity: number;
}

/**
 * Weights of the combination. Polarity votes are in log-odds units, like the model's own vote;
 * intensity terms add up before `1 − e^−x` squashes them into [0, 1) (so every extra cue still
 * raises negativity, by less and less). Threats weigh most: they are what a shop must act on.
 */
const WEIGHTS = {
  /** |vote| below this is neutral: the model alone must be ~82% sure on a review-length message. */
  polarityBand: 1.5,
  /** One clear positive or negative cue word is worth a decisive vote on its own. */
  cueVote: 1.5,
  /** A threat is a negative verdict even when the words around it read well to the model (行，我去投诉). */
  threatVote: 3,
  anxietyVote: 0.4,
  /** Characters of content before the model's vote counts at all, and until it counts fully. */
  modelMinChars: 3,
  modelFullChars: 25,
  /** The model learnt from reviews: on a question or request its vote is mostly about the topic. */
  askingModelShare: 0.35,
  askingLongChars: 60,
  /** A thank-you after a question is politeness, not satisfaction. */
  questionPolitenessShare: 0.25,
  model: 1.0,
  anger: 0.8,
  threat: 1.2,
  disappointment: 0.5,
  anxiety: 0.35,
  repeat: 0.3,
  urging: 0.4,
  extraQuestionMark: 0.15,
  exclamation: 0.12,
  /** Exclamation marks counted, and the share of the rest each one adds (amplifies what is there). */
  exclamationCap: 6,
  exclamationAmplify: 0.08,
  shouting: 0.5,
  /** Each positive cue scales the intensity down by e^−this. */
  positiveDamping: 0.35,
} as const;

/**
 * Emotion of one shopper message: a label, a polarity and a negativity intensity in [0, 1].
 * The review-polarity model gives a probability; curated cues (cues.ts) and surface signals
 * (signals.ts) give the evidence a model trained on reviews lacks: short questions come out
 * neutral unless they carry a cue, and intensity rises with anger, threats (投诉, 12315, 差评,
 * 曝光), repetition and exclamation. Pure and allocation-light: it runs on every message.
 */
export function analyseEmotion(prepared: PreparedText, polarity: TextClassifier): EmotionResult {
  return combineEmotion(prepared.normalised.text, positiveProbability(polarity, prepared.hashes));
}

/** P(positive) from a classifier with the labels `negative` and `positive`. */
export function positiveProbability(polarity: TextClassifier, hashes: Int32Array): number {
  if (polarity.labels.includes('positive') && polarity.labels.includes('negative')) {
    return polarity.probability(hashes, 'positive');
  }
  throw new Error(
    `not a polarity model: labels are ${polarity.labels.join(', ')}, expected negative and positive`,
  );
}

/**
 * The combination on its own, for a caller that already has P(positive) (or passes 0.5 for
 * "no model opinion"): `text` is the normalised message.
 */
export function combineEmotion(text: string, pPositive: number): EmotionResult {
  const cues = countCues(text.toLowerCase());
  const signals = readSignals(text);
  const p = Number.isFinite(pPositive) ? Math.min(1 - 1e-6, Math.max(1e-6, pPositive)) : 0.5;
  const reliability = modelReliability(signals);

  const positive = positiveScore(cues, signals);
  const negativeVote = cues.anger + cues.disappointment + cues.negatedPositive + (signals.shouting ? 1 : 0);
  const vote =
    reliability * Math.log(p / (1 - p)) +
    WEIGHTS.cueVote * (positive - negativeVote) -
    WEIGHTS.threatVote * cues.threat -
    WEIGHTS.anxietyVote * (cues.anxiety + signals.urgings + Math.min(signals.extraQuestionMarks, 3));
  const polarity: Polarity =
    vote >= WEIGHTS.polarityBand ? 'positive' : vote <= -WEIGHTS.polarityBand ? 'negative' : 'neutral';

  const negativity = intensity(cues, signals, reliability * Math.max(0, 1 - 2 * p), positive);
  return { emotion: label(cues, signals, polarity, positive, negativity), polarity, negativity };
}

/**
 * How far the review model's vote counts, 0–1: not at all on a word or two, fully on a
 * review-length message; on a question or request less, unless it is long enough to be a
 * complaint told at length (reviews ask rhetorical questions too: 怎么这么差).
 */
function modelReliability(signals: Signals): number {
  const {
    modelMinChars: min,
    modelFullChars: full,
    askingModelShare: share,
    askingLongChars: long,
  } = WEIGHTS;
  const length = signals.contentLength;
  const byLength = clamp01((length - min) / (full - min));
  if (!signals.asking) return byLength;
  return byLength * (share + (1 - share) * clamp01((length - full) / (long - full)));
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function positiveScore(cues: CueCounts, signals: Signals): number {
  const politeness = cues.politeness * (signals.question ? WEIGHTS.questionPolitenessShare : 1);
  return cues.satisfaction + politeness + 0.5 * cues.negatedNegative;
}

function intensity(cues: CueCounts, signals: Signals, modelNegative: number, positive: number): number {
  const w = WEIGHTS;
  let x =
    w.model * modelNegative +
    w.anger * cues.anger +
    w.threat * cues.threat +
    w.disappointment * (cues.disappointment + cues.negatedPositive) +
    w.anxiety * cues.anxiety +
    w.repeat * Math.max(cues.repeats, signals.repeatedUnits) +
    w.urging * signals.urgings +
    w.extraQuestionMark * Math.min(signals.extraQuestionMarks, 5) +
    (signals.shouting ? w.shouting : 0);
  const exclamations = Math.min(signals.exclamations, w.exclamationCap);
  x = x * (1 + w.exclamationAmplify * exclamations) + w.exclamation * exclamations;
  return (1 - Math.exp(-x)) * Math.exp(-w.positiveDamping * positive);
}

function label(
  cues: CueCounts,
  signals: Signals,
  polarity: Polarity,
  positive: number,
  negativity: number,
): EmotionLabel {
  const anxious = cues.anxiety + 0.6 * signals.urgings;
  if (polarity === 'positive') return anxious > positive ? 'anxious' : 'satisfied';
  const angry = cues.anger + 1.2 * cues.threat + (signals.shouting ? 1 : 0);
  const disappointed = cues.disappointment + cues.negatedPositive;
  const strongest = Math.max(angry, disappointed, anxious);
  if (strongest > 0 && strongest >= positive) {
    if (angry === strongest) return 'angry';
    return disappointed === strongest ? 'disappointed' : 'anxious';
  }
  if (polarity === 'negative')
    return negativity >= 0.75 && signals.exclamations >= 2 ? 'angry' : 'disappointed';
  return positive >= 1 ? 'satisfied' : 'neutral';
}
