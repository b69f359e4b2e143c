/** A feature vector: parallel arrays of feature ids and values (ids unique, any order). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Deterministic PRNG (mulberry32) so that training the same data twice gives the same model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace(items: Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
}

/** Softmax of `logits / temperature` into `out`, numerically stable. */
export function softmaxInto(logits: Float64Array, temperature: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < logits.length; c++) if (logits[c]! > max) max = logits[c]!;
  const inverse = 1 / temperature;
  let sum = 0;
  for (let c = 0; c < logits.length; c++) {
    const e = Math.exp((logits[c]! - max) * inverse);
    out[c] = e;
    sum += e;
  }
  const scale = 1 / sum;
  for (let c = 0; c < logits.length; c++) out[c]! *= scale;
}
