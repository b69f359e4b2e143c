import type { ClassifierSnapshot } from './intent-classifier.ts';

/** JSON form of a classifier: float arrays as base64 of their little-endian bytes (4× smaller than numbers). */
export interface EncodedClassifier {
  format: 'kefu-text-classifier/1';
  labels: string[];
  keys: string[];
  temperature: number;
  idf: string;
  weights: string;
  bias: string;
}

export function encodeClassifier(snapshot: ClassifierSnapshot): EncodedClassifier {
  return {
    format: 'kefu-text-classifier/1',
    labels: snapshot.labels,
    keys: snapshot.keys,
    temperature: snapshot.temperature,
    idf: toBase64(snapshot.idf),
    weights: toBase64(snapshot.weights),
    bias: toBase64(snapshot.bias),
  };
}

/** Throws with what is wrong when the data is not a classifier this version can load. */
export function decodeClassifier(encoded: EncodedClassifier): ClassifierSnapshot {
  if (encoded?.format !== 'kefu-text-classifier/1') {
    throw new Error(
      `not a Kefu classifier (format ${JSON.stringify(encoded?.format)}, expected kefu-text-classifier/1)`,
    );
  }
  const snapshot = {
    labels: encoded.labels,
    keys: encoded.keys,
    temperature: encoded.temperature,
    idf: fromBase64(encoded.idf),
    weights: fromBase64(encoded.weights),
    bias: fromBase64(encoded.bias),
  };
  const { labels, keys, idf, weights, bias } = snapshot;
  if (
    idf.length !== keys.length ||
    bias.length !== labels.length ||
    weights.length !== keys.length * labels.length
  ) {
    throw new Error('classifier arrays do not match its labels and features (file truncated or edited?)');
  }
  return snapshot;
}

function toBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copy into an aligned buffer: Buffer's pool offset need not be a multiple of 4.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
