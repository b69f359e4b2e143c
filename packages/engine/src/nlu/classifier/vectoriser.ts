import { hashKey } from '../features.ts';
import type { SparseVector } from './sparse.ts';

/**
 * Maps feature keys to ids and weights them by inverse document frequency, L2-normalised, so a
 * long run-on message does not outvote a short one just by having more n-grams.
 */
export class Vectoriser {
  private readonly stamp: Int32Array;
  /** Open-addressing table hashKey(key) → id + 1 (0 = empty), for hashed features. */
  private readonly slotHash: Int32Array;
  private readonly slotId: Int32Array;
  private generation = 0;
  private buffer = new Int32Array(256);
  private values = new Float32Array(256);

  private constructor(
    readonly keys: readonly string[],
    private readonly ids: ReadonlyMap<string, number>,
    readonly idf: Float32Array,
  ) {
    this.stamp = new Int32Array(keys.length);
    let size = 16;
    while (size < keys.length * 2) size *= 2;
    this.slotHash = new Int32Array(size);
    this.slotId = new Int32Array(size);
    const mask = size - 1;
    keys.forEach((key, id) => {
      const h = hashKey(key);
      let i = h & mask;
      while (this.slotId[i] !== 0 && this.slotHash[i] !== h) i = (i + 1) & mask;
      // Two keys with one hash (about one in 10^5 models): the first keeps it.
      if (this.slotId[i] === 0) {
        this.slotHash[i] = h;
        this.slotId[i] = id + 1;
      }
    });
  }

  private idOfHash(h: number): number {
    const mask = this.slotId.length - 1;
    let i = h & mask;
    for (;;) {
      const id = this.slotId[i]!;
      if (id === 0) return -1;
      if (this.slotHash[i] === h) return id - 1;
      i = (i + 1) & mask;
    }
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

  /** A vector the caller may keep (training holds every example's vector at once). */
  ownedVector(keys: readonly string[] | Int32Array): SparseVector {
    const { idx, val } = this.vector(keys);
    return { idx: idx.slice(), val: val.slice() };
  }

  /**
   * Unknown keys are ignored: a model only knows the n-grams it was trained on. The result is
   * only valid until the next call (it shares this vectoriser's buffers).
   */
  vector(keys: readonly string[] | Int32Array): SparseVector {
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
    const hashed = keys instanceof Int32Array;
    for (let i = 0; i < keys.length; i++) {
      const id = hashed ? this.idOfHash(keys[i]!) : (this.ids.get((keys as readonly string[])[i]!) ?? -1);
      if (id < 0 || this.stamp[id] === generation) continue;
      this.stamp[id] = generation;
      buffer[n++] = id;
    }
    // Views into buffers reused by the next call: the caller scores the vector at once.
    if (this.values.length < n) this.values = new Float32Array(buffer.length);
    const idx = buffer.subarray(0, n);
    const val = this.values.subarray(0, n);
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
