import { describe, expect, it } from 'vitest';
import { MAX_NLU_CHARS, normalise } from '../src/nlu/normalise.ts';

/** Every offset maps a normalised index back to the character it came from in the input. */
const origin = (input: string, text: string, offsets: Int32Array) =>
  Array.from(text, (_, i) => input[offsets[i]!]);

describe('normalise', () => {
  it('keeps an already clean message as it is, with identity offsets', () => {
    const { text, offsets } = normalise('我的快递怎么还没到 SF1234');
    expect(text).toBe('我的快递怎么还没到 SF1234');
    expect([...offsets]).toEqual(Array.from({ length: text.length + 1 }, (_, i) => i));
  });

  it('turns full-width into half-width and traditional into simplified', () => {
    expect(normalise('這件ＸＬ碼有貨嗎？１２３').text).toBe('这件XL码有货吗?123');
  });

  // A collapsed run maps to its last character.
  it('collapses whitespace runs, trims the ends and drops invisible characters', () => {
    const input = '\u3000 退款\t\t 进度\u200b呢 \n';
    const { text, offsets } = normalise(input);
    expect(text).toBe('退款 进度呢');
    expect(origin(input, text, offsets)).toEqual(['退', '款', ' ', '进', '度', '呢']);
    expect(offsets[text.length]).toBe(input.indexOf('呢') + 1);
  });

  it('keeps emoji whole and drops unpaired surrogates', () => {
    expect(normalise('好评😀\ud83d！').text).toBe('好评😀!');
  });

  it(`cuts messages at ${MAX_NLU_CHARS} characters`, () => {
    expect(normalise('退'.repeat(MAX_NLU_CHARS + 50)).text).toHaveLength(MAX_NLU_CHARS);
    expect(normalise(`${'國'.repeat(MAX_NLU_CHARS - 1)}x`).text).toBe(`${'国'.repeat(MAX_NLU_CHARS - 1)}x`);
  });

  it('is empty for blank input', () => {
    expect(normalise(' \u200b\t').text).toBe('');
    expect([...normalise('').offsets]).toEqual([0]);
  });
});
