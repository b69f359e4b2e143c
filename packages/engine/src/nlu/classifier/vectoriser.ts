import type { SparseVector } from './sparse.ts';

/**
 * Maps feature keys to ids and weights them by inverse document frequency, L2-normalised, so a
 * long run-on message does not outvote a short one just by having more n-grams.
 */
export class Vectoriser {
  private readonly stamp: Int32Array;
  private generation = 0;
  private buffer = new Int32Array(256);

  private constructor(
    readonly keys: readonly string[],
    private readonly ids: ReadonlyMap<string, number>,
    readonly idf: Float32Array,
  ) {
    this.stamp = new Int32Array(keys.length);
  }

  /** `minDocs`: keys seen in fewer training documents are dropped (noise, and memory the model scans). */
  static fit(documents: readonly (readonly string[])[], minDocs = 1): Vectoriser {
    const df = new Map<string, number>();
    for (const doc of documents) for (const key of new Set(doc)) df.set(key, (df.get(key) ?? 0) + 1);
    const keys = [...df.keys()].filter((key) => df.get(key)! >= minDocs);
    const idf = new Float32Array(keys.length);
    keys.forEach((key, i) => {
      idf[i] = Math.log((documents.length + 1) / (df.get(key)! + 1)) + 1;
    });
    return Vectoriser.restore(keys, idf);
  }

  static restore(keys: readonly string[], idf: Float32Array): Vectoriser {
    return new Vectoriser(keys, new Map(keys.map((key, i) => [key, i])), idf);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Unknown keys are ignored: a model only knows the n-grams it was trained on. */
  vector(keys: readonly string[]): SparseVector {
    // Hot path (every message, every model): de-duplicate with a generation stamp per feature
    // instead of a Set, so a lookup costs one Map.get and no allocation.
    if (++this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const generation = this.generation;
    if (this.buffer.length < keys.length) this.buffer = new Int32Array(keys.length * 2);
    const buffer = this.buffer;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const id = this.ids.get(keys[i]!);
      if (id === undefined || this.stamp[id] === generation) continue;
      this.stamp[id] = generation;
      buffer[n++] = id;
    }
    const idx = buffer.slice(0, n);
    const val = new Float32Array(n);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const v = this.idf[idx[k]!]!;
      val[k] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let k = 0; k < n; k++) val[k]! *= scale;
    }
    return { idx, val };
  }
}
