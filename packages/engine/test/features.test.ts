import { describe, expect, it } from 'vitest';
import { canonicalForNgrams, featureHashes, featureKeys, hashKey } from '../src/nlu/features.ts';

/** Models are trained on feature strings and served on hashes: the two must name the same features. */
describe('feature hashes', () => {
  it.each([
    ['我的快递怎么还没到', ['我', '的', '快递', '怎么', '还', '没', '到']],
    ['sf0到哪了?', ['sf0', '到', '哪', '了', '?']],
    ['👍', ['👍']],
    ['a', []],
  ])('hash the same features featureKeys names: %s', (text, tokens) => {
    const canonical = canonicalForNgrams(text);
    expect([...featureHashes(canonical, tokens)]).toEqual(featureKeys(canonical, tokens).map(hashKey));
  });

  it('has nothing for empty input', () => {
    expect(featureHashes('', []).length).toBe(0);
    expect(featureKeys('', [])).toEqual([]);
  });
});
