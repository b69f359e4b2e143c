import type { ClassifierSnapshot } from './intent-classifier.ts';

export interface PruneOptions {
  /** How many features to keep (all of them when the model has fewer). */
  keep: number;
  /**
   * Rank features by spread × idf (how far one occurrence can move the scores apart, before the
   * vector's L2 normalisation) instead of the bare weight spread. Default true.
   */
  byIdf?: boolean;
}

/**
 * A smaller copy of a trained classifier: only the `keep` features whose weights differ most
 * across classes. A feature with the same weight for every class never changes which label
 * wins; dropping the ones that barely differ costs little accuracy and most of the file size
 * (the n-gram tail of a review corpus runs to millions of keys). Deterministic: ties go to the
 * earlier feature, and kept features stay in their original order.
 */
export function pruneSnapshot(snapshot: ClassifierSnapshot, options: PruneOptions): ClassifierSnapshot {
  const { labels, keys, idf, weights } = snapshot;
  const classes = labels.length;
  const features = keys.length;
  if (options.keep >= features) return snapshot;
  const importance = new Float64Array(features);
  for (let f = 0; f < features; f++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const w = weights[f * classes + c]!;
      if (w < lo) lo = w;
      if (w > hi) hi = w;
    }
    importance[f] = (hi - lo) * (options.byIdf === false ? 1 : idf[f]!);
  }
  const order = Int32Array.from(importance.keys());
  order.sort((a, b) => importance[b]! - importance[a]! || a - b);
  const kept = order.subarray(0, Math.max(0, options.keep)).sort();
  const prunedWeights = new Float32Array(kept.length * classes);
  kept.forEach((f, i) => {
    prunedWeights.set(weights.subarray(f * classes, (f + 1) * classes), i * classes);
  });
  return {
    labels: [...labels],
    keys: Array.from(kept, (f) => keys[f]!),
    idf: Float32Array.from(kept, (f) => idf[f]!),
    weights: prunedWeights,
    bias: Float32Array.from(snapshot.bias),
    temperature: snapshot.temperature,
  };
}
