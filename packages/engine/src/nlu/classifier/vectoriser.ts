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

  /** A vector of feature strings the caller may keep (training holds every example's vector). */
  ownedVector(keys: readonly string[]): SparseVector {
    const { idx, val } = this.vectorOfKeys(keys);
    return { idx: idx.slice(), val: val.slice() };
  }

  /**
   * The vector of feature strings (training, scripts). Unknown keys are ignored: a model only
   * knows the n-grams it was trained on. Valid until the next call (shared buffers).
   */
  vectorOfKeys(keys: readonly string[]): SparseVector {
    const buffer = this.startVector(keys.length);
    let n = 0;
    for (let i = 0; i < keys.length; i++) n = this.add(buffer, n, this.ids.get(keys[i]!) ?? -1);
    return this.finishVector(n);
  }

  /**
   * The vector of feature hashes (`featureHashes`): the per-message path. A separate method from
   * vectorOfKeys so each loop sees one array type (mixed types made the lookups megamorphic).
   */
  vectorOfHashes(hashes: Int32Array): SparseVector {
    const buffer = this.startVector(hashes.length);
    let n = 0;
    for (let i = 0; i < hashes.length; i++) n = this.add(buffer, n, this.idOfHash(hashes[i]!));
    return this.finishVector(n);
  }

  // De-duplication by a generation stamp per feature instead of a Set: no allocation per call.
  private startVector(size: number): Int32Array {
    if (++this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    if (this.buffer.length < size) this.buffer = new Int32Array(size * 2);
    return this.buffer;
  }

  private add(buffer: Int32Array, n: number, id: number): number {
    if (id < 0 || this.stamp[id] === this.generation) return n;
    this.stamp[id] = this.generation;
    buffer[n] = id;
    return n + 1;
  }

  private finishVector(n: number): SparseVector {
    // Views into buffers reused by the next call: the caller scores the vector at once.
    if (this.values.length < n) this.values = new Float32Array(this.buffer.length);
    const idx = this.buffer.subarray(0, n);
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
