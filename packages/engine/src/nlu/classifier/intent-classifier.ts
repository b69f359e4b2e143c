import {
  defaultSoftmaxOptions,
  type LinearModel,
  linearScores,
  type SoftmaxTrainingOptions,
  trainSoftmaxSteps,
} from './softmax-regression.ts';
import { type SparseVector, seededRandom, shuffleInPlace, softmaxInto } from './sparse.ts';
import { fitTemperature } from './temperature.ts';
import { Vectoriser } from './vectoriser.ts';

export interface LabelledFeatures {
  label: string;
  keys: readonly string[];
}

export interface RankedLabel {
  label: string;
  confidence: number;
}

export interface ClassifierTrainingOptions extends SoftmaxTrainingOptions {
  /** Features seen in fewer training examples than this are not used. */
  minDocs: number;
  /** Folds for fitting the confidence temperature on held-out predictions; 0 or 1 skips it (T = 1). */
  calibrationFolds: number;
}

export const defaultClassifierOptions: ClassifierTrainingOptions = {
  ...defaultSoftmaxOptions,
  calibrationFolds: 3,
  minDocs: 2,
};

/** Everything needed to rebuild a trained classifier; what the model registry persists. */
export interface ClassifierSnapshot {
  labels: string[];
  keys: string[];
  idf: Float32Array;
  weights: Float32Array;
  bias: Float32Array;
  temperature: number;
}

/** Linear text classifier with temperature-calibrated confidences. */
export class TextClassifier {
  private readonly logits: Float64Array;
  private readonly probs: Float64Array;
  /** Label indices of the best so far in `top`, reused across calls. */
  private best = new Int32Array(8);

  private constructor(
    readonly labels: readonly string[],
    private readonly vectoriser: Vectoriser,
    private readonly model: LinearModel,
    readonly temperature: number,
  ) {
    this.logits = new Float64Array(labels.length);
    this.probs = new Float64Array(labels.length);
  }

  static train(
    examples: readonly LabelledFeatures[],
    options: ClassifierTrainingOptions = defaultClassifierOptions,
  ): TextClassifier {
    const steps = TextClassifier.trainSteps(examples, options);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** Training as steps (one epoch each) with progress in [0, 1]; see trainSoftmaxSteps. */
  static *trainSteps(
    examples: readonly LabelledFeatures[],
    options: ClassifierTrainingOptions = defaultClassifierOptions,
  ): Generator<TrainingProgress, TextClassifier> {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const index = new Map(labels.map((l, i) => [l, i]));
    const ys = Int32Array.from(examples, (e) => index.get(e.label)!);
    const folds = options.calibrationFolds > 1 ? options.calibrationFolds : 0;
    const totalEpochs = options.epochs * (folds + 1);
    let done = 0;
    function* fit(rows: readonly number[]) {
      const vectoriser = Vectoriser.fit(
        rows.map((r) => examples[r]!.keys),
        options.minDocs,
      );
      const xs = rows.map((r) => vectoriser.ownedVector(examples[r]!.keys));
      const labelsOf = Int32Array.from(rows, (r) => ys[r]!);
      const model: LinearModel = yield* withProgress(
        trainSoftmaxSteps(xs, labelsOf, labels.length, vectoriser.size, options),
        () => ++done / totalEpochs,
      );
      return { vectoriser, model };
    }
    let temperature = 1;
    if (folds > 0) {
      const heldOut: { logits: Float64Array; label: number }[] = [];
      for (const { train, test } of foldSplits(examples.length, folds, options.seed + 1)) {
        const { vectoriser, model } = yield* fit(train);
        for (const r of test) {
          const logits = new Float64Array(model.classes);
          linearScores(model, vectoriser.vectorOfKeys(examples[r]!.keys), logits);
          heldOut.push({ logits, label: ys[r]! });
        }
      }
      temperature = fitTemperature(heldOut);
    }
    const { vectoriser, model } = yield* fit([...examples.keys()]);
    return new TextClassifier(labels, vectoriser, model, temperature);
  }

  static restore(snapshot: ClassifierSnapshot): TextClassifier {
    const { labels, keys, idf, weights, bias, temperature } = snapshot;
    const model = { classes: labels.length, features: keys.length, weights, bias };
    return new TextClassifier(labels, Vectoriser.restore(keys, idf), model, temperature);
  }

  snapshot(): ClassifierSnapshot {
    return {
      labels: [...this.labels],
      keys: [...this.vectoriser.keys],
      idf: this.vectoriser.idf,
      weights: this.model.weights,
      bias: this.model.bias,
      temperature: this.temperature,
    };
  }

  /** All labels, most likely first, with calibrated probabilities that sum to 1. */
  rank(keys: readonly string[] | Int32Array): RankedLabel[] {
    this.score(
      keys instanceof Int32Array ? this.vectoriser.vectorOfHashes(keys) : this.vectoriser.vectorOfKeys(keys),
    );
    const ranked = this.labels.map((label, i) => ({ label, confidence: this.probs[i]! }));
    return ranked.sort((a, b) => b.confidence - a.confidence);
  }

  /**
   * The `k` most likely labels, plus the probability of one label of interest, without sorting
   * or allocating for every label: the per-message path (features as `featureHashes`).
   */
  top(hashes: Int32Array, k: number, also?: string): { ranking: RankedLabel[]; also: number } {
    this.score(this.vectoriser.vectorOfHashes(hashes));
    const probs = this.probs;
    // One pass keeping the k best in order; ties keep the lower index first, like a stable sort.
    const want = Math.max(0, Math.min(k, probs.length));
    if (this.best.length < want) this.best = new Int32Array(want);
    const best = this.best;
    let held = 0;
    for (let c = 0; c < probs.length && want > 0; c++) {
      const p = probs[c]!;
      if (held === want && p <= probs[best[want - 1]!]!) continue;
      let at = held < want ? held++ : want - 1;
      while (at > 0 && probs[best[at - 1]!]! < p) {
        best[at] = best[at - 1]!;
        at--;
      }
      best[at] = c;
    }
    const ranking: RankedLabel[] = [];
    for (let r = 0; r < held; r++)
      ranking.push({ label: this.labels[best[r]!]!, confidence: probs[best[r]!]! });
    return { ranking, also: also === undefined ? 0 : this.probabilityOf(also) };
  }

  /** Calibrated probability of one label for these feature hashes (0 for a label the model lacks). */
  probability(hashes: Int32Array, label: string): number {
    this.score(this.vectoriser.vectorOfHashes(hashes));
    return this.probabilityOf(label);
  }

  private probabilityOf(label: string): number {
    const index = this.labels.indexOf(label);
    return index < 0 ? 0 : this.probs[index]!;
  }

  private score(vector: SparseVector): void {
    linearScores(this.model, vector, this.logits);
    softmaxInto(this.logits, this.temperature, this.probs);
  }
}

export interface TrainingProgress {
  /** Share of the training done, 0–1. */
  progress: number;
}

function* withProgress<T>(steps: Generator<number, T>, next: () => number): Generator<TrainingProgress, T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    yield { progress: next() };
  }
}

/** k folds over a deterministic shuffle: every row is held out exactly once. */
function foldSplits(rows: number, folds: number, seed: number): { train: number[]; test: number[] }[] {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  shuffleInPlace(order, seededRandom(seed));
  return Array.from({ length: folds }, (_, f) => ({
    train: [...order.filter((_, i) => i % folds !== f)],
    test: [...order.filter((_, i) => i % folds === f)],
  }));
}
