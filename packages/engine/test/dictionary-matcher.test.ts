import { describe, expect, it } from 'vitest';
import { DictionaryMatcher } from '../src/nlu/dictionary-matcher.ts';

const surface = (text: string, m: { start: number; end: number }) => text.slice(m.start, m.end);

describe('DictionaryMatcher', () => {
  const brands = new DictionaryMatcher<string>([
    ['Apple', 'apple'],
    ['苹果', 'apple'],
    ['苹果手机', 'iphone'],
    ['华为', 'huawei'],
    ['iPhone 15 Pro', 'ip15pro'],
    ['iPhone', 'iphone'],
    ['air', 'air'],
  ]);

  it('returns leftmost-longest, non-overlapping matches', () => {
    const text = '苹果手机和华为哪个好';
    const found = brands.findAll(text);
    expect(found.map((m) => [surface(text, m), m.payload])).toEqual([
      ['苹果手机', 'iphone'],
      ['华为', 'huawei'],
    ]);
  });

  it('matches ASCII case-insensitively and with or without inner spaces', () => {
    expect(brands.findAll('APPLE').map((m) => m.payload)).toEqual(['apple']);
    expect(brands.findAll('iphone15pro有货吗').map((m) => m.payload)).toEqual(['ip15pro']);
    const text = '想买IPHONE 15 PRO';
    expect(brands.findAll(text).map((m) => surface(text, m))).toEqual(['IPHONE 15 PRO']);
  });

  it('does not cut ASCII words or numbers in two', () => {
    expect(brands.findAll('a chair')).toEqual([]);
    expect(brands.findAll('airpods').map((m) => m.payload)).toEqual([]);
    // A letter next to a digit is a boundary: iPhone in iPhone14.
    expect(brands.findAll('iPhone14').map((m) => m.payload)).toEqual(['iphone']);
  });

  it('falls back to a shorter term when the longer one would cut a word', () => {
    const m = new DictionaryMatcher([
      ['ab', 1],
      ['abc', 2],
    ]);
    expect(m.findAll('abcd').map((x) => x.payload)).toEqual([]);
    expect(m.findAll('ab-c').map((x) => x.payload)).toEqual([1]);
    // Spaces are optional inside terms, so "ab c" still reads as the longer term.
    expect(m.findAll('ab c').map((x) => x.payload)).toEqual([2]);
    expect(m.findAll('abc!').map((x) => x.payload)).toEqual([2]);
  });

  it('keeps the first payload of a duplicated term and counts distinct terms', () => {
    const m = new DictionaryMatcher([
      ['红色', 'first'],
      ['红色', 'second'],
      ['', 'empty'],
    ]);
    expect(m.size).toBe(1);
    expect(m.findAll('红色').map((x) => x.payload)).toEqual(['first']);
  });

  it('matchAt reads the longest term at one position', () => {
    expect(brands.matchAt('我要苹果手机', 2)).toEqual({ start: 2, end: 6, payload: 'iphone' });
    expect(brands.matchAt('我要苹果手机', 1)).toBeUndefined();
  });

  it('handles thousands of terms in microseconds per message', () => {
    const many = new DictionaryMatcher(Array.from({ length: 5000 }, (_, i) => [`商品${i}号`, i] as const));
    expect(many.size).toBe(5000);
    const text = '你好，我想问一下商品1234号和商品42号有什么区别，哪个更好';
    expect(many.findAll(text).map((m) => m.payload)).toEqual([1234, 42]);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) many.findAll(text);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('survives empty, emoji and lone surrogates', () => {
    expect(brands.findAll('')).toEqual([]);
    expect(brands.findAll('😀😀\ud800')).toEqual([]);
  });
});
