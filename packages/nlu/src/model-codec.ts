import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeClassifier, type EncodedClassifier, encodeClassifier, TextClassifier } from '@kefu/engine';

/**
 * A trained classifier as stored text: gzip of its JSON, base64. Most weights of a sparse
 * linear model are zero, so gzip shrinks a model about tenfold.
 */
export function packClassifier(classifier: TextClassifier): string {
  return gzipSync(JSON.stringify(encodeClassifier(classifier.snapshot()))).toString('base64');
}

export function unpackClassifier(packed: string): TextClassifier {
  const json = gunzipSync(Buffer.from(packed, 'base64')).toString('utf8');
  return TextClassifier.restore(decodeClassifier(JSON.parse(json) as EncodedClassifier));
}
