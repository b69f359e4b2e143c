import type { LinearModel } from './softmax-regression.ts';
import type { SparseVector } from './sparse.ts';

/**
 * The serving form of a linear model: per feature, only the class weights that matter.
 * Nearly nine in ten weights of a trained intent model are within 1% of zero; dropping them
 * makes scoring touch ~7 weights per feature instead of one per class, and the whole model fits
 * in cache (measured: bench/nlu-latency).
 */
export interface SparseRows {
  classes: number;
  bias: Float32Array;
  /** Row f's entries are [rowStart[f], rowStart[f + 1]). */
  rowStart: Int32Array;
  classOf: Uint16Array;
  weight: Float32Array;
}

/** Weights smaller than this share of the largest weight are dropped. */
export const PRUNE_RATIO = 0.01;

export function toSparseRows(model: LinearModel, pruneRatio = PRUNE_RATIO): SparseRows {
  const { classes, features, weights } = model;
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, Math.abs(weights[i]!));
  const cut = max * pruneRatio;
  let kept = 0;
  for (let i = 0; i < weights.length; i++) if (Math.abs(weights[i]!) > cut) kept++;
  const rowStart = new Int32Array(features + 1);
  const classOf = new Uint16Array(kept);
  const weight = new Float32Array(kept);
  let at = 0;
  for (let f = 0; f < features; f++) {
    rowStart[f] = at;
    for (let c = 0; c < classes; c++) {
      const w = weights[f * classes + c]!;
      if (Math.abs(w) <= cut) continue;
      classOf[at] = c;
      weight[at++] = w;
    }
  }
  rowStart[features] = at;
  return { classes, bias: model.bias, rowStart, classOf, weight };
}

export function sparseScores(rows: SparseRows, x: SparseVector, out: Float64Array): void {
  const { classes, bias, rowStart, classOf, weight } = rows;
  for (let c = 0; c < classes; c++) out[c] = bias[c]!;
  for (let k = 0; k < x.idx.length; k++) {
    const f = x.idx[k]!;
    const v = x.val[k]!;
    for (let i = rowStart[f]!, end = rowStart[f + 1]!; i < end; i++) out[classOf[i]!]! += weight[i]! * v;
  }
}
