import { type SparseVector, seededRandom, shuffleInPlace, softmaxInto } from './sparse.ts';

export interface SoftmaxTrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied lazily to the weights an example touches. */
  l2: number;
  seed: number;
}

export const defaultSoftmaxOptions: SoftmaxTrainingOptions = {
  epochs: 15,
  learningRate: 0.2,
  l2: 1e-5,
  seed: 7,
};

const SKIP = 1e-3;

/** A multinomial logistic-regression model over sparse features; weights are feature-major. */
export interface LinearModel {
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Trains multinomial logistic regression with SGD (AdaGrad step sizes), one epoch per step, so
 * that a server can yield to its event loop between epochs (tens of milliseconds each) instead
 * of stalling live chats for the whole training. Linear models over word and character n-grams
 * are the strongest thing that trains in seconds on a few thousand short utterances and answers
 * in microseconds; the measured accuracy is in bench/.
 */
export function* trainSoftmaxSteps(
  xs: readonly SparseVector[],
  ys: Int32Array,
  classes: number,
  features: number,
  options: SoftmaxTrainingOptions = defaultSoftmaxOptions,
): Generator<number, LinearModel> {
  // Float64 while training (no float32 rounding on every update), float32 in the served model.
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  // AdaGrad: one accumulated squared gradient per weight.
  const gradSq = new Float64Array(features * classes).fill(1e-8);
  const biasGradSq = new Float64Array(classes).fill(1e-8);
  const activeClasses = new Int32Array(classes);
  const activeGrads = new Float64Array(classes);
  const logits = new Float64Array(classes);
  const probs = new Float64Array(classes);
  const order = Int32Array.from(xs.keys());
  const random = seededRandom(options.seed);
  const { learningRate: lr, l2 } = options;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let i = 0; i < order.length; i++) {
      const n = order[i]!;
      const x = xs[n]!;
      for (let c = 0; c < classes; c++) logits[c] = bias[c]!;
      for (let k = 0; k < x.idx.length; k++) {
        const row = x.idx[k]! * classes;
        const v = x.val[k]!;
        for (let c = 0; c < classes; c++) logits[c]! += weights[row + c]! * v;
      }
      softmaxInto(logits, 1, probs);
      const y = ys[n]!;
      // Classes the model already gets right contribute ~0 gradient; skipping them makes an epoch
      // cost proportional to the confusable classes, not all of them.
      let active = 0;
      for (let c = 0; c < classes; c++) {
        const g = probs[c]! - (c === y ? 1 : 0);
        if (g > -SKIP && g < SKIP) continue;
        activeClasses[active] = c;
        activeGrads[active++] = g;
        biasGradSq[c]! += g * g;
        bias[c]! -= (lr * g) / Math.sqrt(biasGradSq[c]!);
      }
      for (let k = 0; k < x.idx.length; k++) {
        const row = x.idx[k]! * classes;
        const v = x.val[k]!;
        for (let a = 0; a < active; a++) {
          const w = row + activeClasses[a]!;
          const g = activeGrads[a]! * v + l2 * weights[w]!;
          gradSq[w]! += g * g;
          weights[w]! -= (lr * g) / Math.sqrt(gradSq[w]!);
        }
      }
    }
    yield epoch + 1;
  }
  return { classes, features, weights: Float32Array.from(weights), bias: Float32Array.from(bias) };
}

/** Raw class scores (logits) of one example into `out`. */
export function linearScores(model: LinearModel, x: SparseVector, out: Float64Array): void {
  const { classes, weights, bias } = model;
  for (let c = 0; c < classes; c++) out[c] = bias[c]!;
  for (let k = 0; k < x.idx.length; k++) {
    const row = x.idx[k]! * classes;
    const v = x.val[k]!;
    for (let c = 0; c < classes; c++) out[c]! += weights[row + c]! * v;
  }
}
