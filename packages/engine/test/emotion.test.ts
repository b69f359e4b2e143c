import { readFileSync } from 'node:fs';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { describe, expect, it } from 'vitest';
import { TextClassifier } from '../src/nlu/classifier/intent-classifier.ts';
import { decodeClassifier } from '../src/nlu/classifier/snapshot-codec.ts';
import {
  analyseEmotion,
  combineEmotion,
  countCues,
  type EmotionLabel,
  type EmotionResult,
  positiveProbability,
} from '../src/nlu/emotion/index.ts';
import { normalise } from '../src/nlu/normalise.ts';
import { prepareText } from '../src/nlu/prepare.ts';

// The committed model, as the server loads it (packages/nlu/data/models, see its README).
const MODEL_FILE = new URL('../../nlu/data/models/polarity.zh.json', import.meta.url);
const polarity = TextClassifier.restore(decodeClassifier(JSON.parse(readFileSync(MODEL_FILE, 'utf8'))));
const jieba = Jieba.withDict(dict);
const segmenter = { cut: (text: string) => jieba.cut(text, true) };

const analyse = (text: string): EmotionResult => analyseEmotion(prepareText(text, segmenter), polarity);
/** Cues and signals alone, the model's vote fixed at "no opinion": for orderings independent of the model. */
const cuesOnly = (text: string): EmotionResult => combineEmotion(normalise(text).text, 0.5);

const EMOTIONS: readonly EmotionLabel[] = ['angry', 'anxious', 'disappointed', 'satisfied', 'neutral'];

function expectWellFormed(result: EmotionResult) {
  expect(EMOTIONS).toContain(result.emotion);
  expect(['positive', 'negative', 'neutral']).toContain(result.polarity);
  expect(Number.isFinite(result.negativity)).toBe(true);
  expect(result.negativity).toBeGreaterThanOrEqual(0);
  expect(result.negativity).toBeLessThanOrEqual(1);
}

describe('the committed polarity model', () => {
  it('has the labels negative and positive and reads reviews the right way round', () => {
    expect([...polarity.labels].sort()).toEqual(['negative', 'positive']);
    const p = (text: string) => positiveProbability(polarity, prepareText(text, segmenter).hashes);
    expect(p('衣服质量很好，做工精细，穿着很舒服，物流也快，五星好评')).toBeGreaterThan(0.9);
    expect(p('收到货就发现有破损，客服也不理人，退货还要自己出运费，再也不会买了')).toBeLessThan(0.1);
  });

  it('is refused by name when the classifier is not a polarity model', () => {
    const other = TextClassifier.train(
      [
        { label: 'a', keys: ['wx'] },
        { label: 'b', keys: ['wy'] },
      ],
      { epochs: 1, learningRate: 0.1, l2: 0, seed: 1, calibrationFolds: 0, minDocs: 1 },
    );
    expect(() => analyseEmotion(prepareText('你好', segmenter), other)).toThrow(/not a polarity model/);
  });
});

describe('analyseEmotion on shopper messages', () => {
  const cases: Record<EmotionLabel, string[]> = {
    angry: [
      '你们再不退款我就投诉12315',
      '什么破东西，垃圾！',
      '骗子！收了钱不发货，我要去曝光你们',
      '客服态度太差了，我要投诉',
      '😡😡😡',
    ],
    anxious: [
      '我的快递怎么还没到',
      '明天就要用了，能不能快点发货',
      '急急急，到底什么时候发货',
      '催了三遍了还不发',
    ],
    disappointed: [
      '质量太差了，很失望',
      '东西用了两天就坏了',
      '不太满意，跟图片差别好大',
      '衣服洗了一次就起球了😞',
    ],
    satisfied: ['东西很好，下次还来👍', '很满意，谢谢客服', '质量不错，物流也快', '谢谢'],
    neutral: [
      '这件有货吗',
      '到哪了',
      '你好',
      '发什么快递',
      '这件有货吗，谢谢',
      '会不会掉色',
      '我想改一下收货地址',
    ],
  };
  for (const [emotion, texts] of Object.entries(cases)) {
    for (const text of texts) {
      it(`${text} → ${emotion}`, () => {
        const result = analyse(text);
        expectWellFormed(result);
        expect(result.emotion).toBe(emotion);
      });
    }
  }

  it('gives angry and disappointed messages a negative polarity, satisfied ones a positive one', () => {
    for (const text of [...cases.angry, ...cases.disappointed])
      expect(analyse(text).polarity, text).toBe('negative');
    for (const text of cases.satisfied) expect(analyse(text).polarity, text).toBe('positive');
  });

  it('keeps short neutral questions neutral with low negativity, although the review model leans negative on them', () => {
    for (const text of cases.neutral) {
      const result = analyse(text);
      expect(result.polarity, text).toBe('neutral');
      expect(result.negativity, text).toBeLessThan(0.2);
    }
  });

  it('rates a threat to go to 12315 at 0.8 or more, a delivery question modestly', () => {
    expect(analyse('你们再不退款我就投诉12315').negativity).toBeGreaterThanOrEqual(0.8);
    const waiting = analyse('我的快递怎么还没到');
    expect(['anxious', 'neutral']).toContain(waiting.emotion);
    expect(waiting.negativity).toBeGreaterThan(0.1);
    expect(waiting.negativity).toBeLessThan(0.6);
    expect(analyse('东西很好，下次还来👍').negativity).toBeLessThan(0.1);
  });

  it('reads a negated positive as negative (不满意 is not 满意)', () => {
    for (const text of ['不满意', '不太满意', '一点都不喜欢', '不是很满意']) {
      const result = analyse(text);
      expect(result.polarity, text).toBe('negative');
      expect(result.emotion, text).toBe('disappointed');
    }
    expect(analyse('很满意').emotion).toBe('satisfied');
    expect(analyse('不错').polarity).toBe('positive');
    // Calmed anxiety is no anxiety; a product question is not a complaint.
    expect(cuesOnly('不急，慢慢发').emotion).toBe('neutral');
    expect(cuesOnly('这个会起球吗').emotion).toBe('neutral');
    expect(cuesOnly('这款好用吗').emotion).toBe('neutral');
  });

  it('does not take products or politeness for emotion', () => {
    expect(analyse('垃圾袋还有货吗').emotion).toBe('neutral');
    expect(analyse('不好意思，我想改个地址').emotion).toBe('neutral');
    expect(countCues('usb接口').anger).toBe(0);
    expect(countCues('我要告你们，sb').anger).toBe(1);
  });
});

describe('negativity rises with intensity', () => {
  const base = '怎么还没发货';
  const raises = (less: string, more: string, score = analyse) => {
    const a = score(less).negativity;
    const b = score(more).negativity;
    expect(b, `${less} (${a.toFixed(3)}) < ${more} (${b.toFixed(3)})`).toBeGreaterThan(a);
  };

  it('with a threat, threats weighing most', () => {
    raises(base, `${base}，我要投诉`);
    raises(`${base}，我要投诉`, `${base}，我要投诉12315`);
    raises(`${base}，真生气`, `${base}，我要投诉`, cuesOnly);
    raises(`${base}，很失望`, `${base}，真生气`, cuesOnly);
  });

  it('with exclamation marks', () => {
    raises(base, `${base}！`);
    raises(`${base}！`, `${base}！！！`);
    raises('你们再不退款我就投诉12315', '你们再不退款我就投诉12315！！！');
  });

  it('with repetition and repeated question marks', () => {
    raises('快点', '快点快点');
    raises('快点快点', '快点快点快点');
    raises('还不发货', '催了三遍了还不发货');
    raises(base, `${base}？？？`);
    raises('在吗', '在吗在吗在吗', cuesOnly);
  });

  it('with anger cues, anger emoji and shouting', () => {
    raises(base, `${base}，气死了`);
    raises('😡', '😡😡😡');
    raises('where is my order', 'WHERE IS MY ORDER', cuesOnly);
  });

  it('and falls with praise around it', () => {
    const slow = cuesOnly('物流太慢了').negativity;
    expect(slow).toBeGreaterThan(0);
    expect(cuesOnly('物流太慢了，不过东西很好，很满意').negativity).toBeLessThan(slow);
  });
});

describe('bad input', () => {
  const inputs: Record<string, string> = {
    empty: '',
    spaces: '   \n\t ',
    'emoji only': '😀😀🎉',
    punctuation: '？？？！！！。。。',
    'lone surrogates': '\ud800退款\udfff\ud83d',
    'control characters': '\u0000\u0007退\u200b款\ufeff',
    '10,000 characters': '垃圾！快点快点？'.repeat(1250),
    '10,000 random code units': Array.from({ length: 10_000 }, (_, i) =>
      String.fromCharCode((i * 7919) % 0xffff),
    ).join(''),
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`${name} gives a well-formed result quickly`, () => {
      const started = performance.now();
      const result = analyse(text);
      expect(performance.now() - started).toBeLessThan(200);
      expectWellFormed(result);
    });
  }

  it('empty and emoji-only messages without cues are neutral', () => {
    expect(analyse('')).toEqual({ emotion: 'neutral', polarity: 'neutral', negativity: 0 });
    expect(analyse('🐱').polarity).toBe('neutral');
  });

  it('an odd probability from a caller is treated as no opinion, never NaN', () => {
    for (const p of [Number.NaN, -1, 2, Number.POSITIVE_INFINITY])
      expectWellFormed(combineEmotion('到哪了', p));
  });

  it('costs microseconds beyond the model on a 30-character message', () => {
    const text = normalise('你们再不退款我就投诉12315，快点快点！！！怎么还没到啊？？？').text;
    for (let i = 0; i < 200; i++) combineEmotion(text, 0.3); // warm-up
    const calls = 2000;
    const started = performance.now();
    for (let i = 0; i < calls; i++) combineEmotion(text, 0.3);
    // ~5 µs on the reference machine; the bound leaves room for a loaded CI runner.
    expect(((performance.now() - started) * 1000) / calls).toBeLessThan(100);
  });

  it('is deterministic', () => {
    const text = '你们再不退款我就投诉12315！！！快点快点';
    expect(analyse(text)).toEqual(analyse(text));
  });
});
