import { describe, expect, it } from 'vitest';
import { defaultClassifierOptions, TextClassifier } from '../src/nlu/classifier/intent-classifier.ts';
import { featureHashes, featureKeys } from '../src/nlu/features.ts';

const example = (label: string, text: string) => ({ label, keys: featureKeys(text, [...text]) });
const examples = [
  ...['快递到哪了', '物流怎么不动', '包裹到哪里了', '快递几天到'].map((t) => example('logistics', t)),
  ...['我要退货', '怎么退款', '退货退款', '想退掉'].map((t) => example('return', t)),
  ...['你好', '在吗', '您好在不在', '有人吗'].map((t) => example('greeting', t)),
];
const model = TextClassifier.train(examples, {
  ...defaultClassifierOptions,
  minDocs: 1,
  calibrationFolds: 0,
});
const hashesOf = (text: string) => featureHashes(text, [...text]);

describe('TextClassifier serving', () => {
  it('top(k) gives the first k of the full ranking, most likely first', () => {
    for (const text of ['我的快递到哪了', '退款', '你好', '']) {
      const full = model.rank(featureKeys(text, [...text]));
      const { ranking } = model.top(hashesOf(text), 2);
      expect(ranking.map((r) => r.label)).toEqual(full.slice(0, 2).map((r) => r.label));
      expect(ranking[0]!.confidence).toBeCloseTo(full[0]!.confidence, 12);
    }
    expect(model.top(hashesOf('快递到哪了'), 1).ranking[0]!.label).toBe('logistics');
  });

  it('top(k) never returns more labels than the model has, and nothing for k = 0', () => {
    expect(model.top(hashesOf('退货'), 10).ranking).toHaveLength(3);
    expect(model.top(hashesOf('退货'), 0).ranking).toEqual([]);
  });

  it('reports the probability of a named label, 0 for one it does not know', () => {
    const full = model.rank(featureKeys('想退货', [...'想退货']));
    const expected = full.find((r) => r.label === 'return')!.confidence;
    expect(model.probability(hashesOf('想退货'), 'return')).toBeCloseTo(expected, 12);
    expect(model.top(hashesOf('想退货'), 1, 'return').also).toBeCloseTo(expected, 12);
    expect(model.probability(hashesOf('想退货'), 'unknown')).toBe(0);
  });
});
