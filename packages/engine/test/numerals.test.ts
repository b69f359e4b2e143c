import { describe, expect, it } from 'vitest';
import { findNumerals, parseNumeral, readNumeral } from '../src/nlu/numerals.ts';

describe('parseNumeral', () => {
  it.each([
    ['两', 2],
    ['三十八', 38],
    ['十一', 11],
    ['十', 10],
    ['一百五', 150],
    ['一百五十', 150],
    ['一百零五', 105],
    ['一千零五十', 1050],
    ['两千三', 2300],
    ['一万五千八', 15800],
    ['一万零五百', 10500],
    ['一亿三千万', 130_000_000],
    ['1万2', 12_000],
    ['3.5万', 35_000],
    ['2千5', 2500],
    ['100万', 1_000_000],
    ['1,299', 1299],
    ['99.9', 99.9],
    ['廿五', 25],
    ['卅', 30],
    ['二零二六', 2026],
    ['一一零', 110],
    ['半', 0.5],
    ['零', 0],
  ])('%s → %d', (text, value) => {
    expect(parseNumeral(text)).toBe(value);
  });

  it.each(['', '百', '万', '千万', '三四', '两两', 'abc', '一百五件', '十十'])(
    '%j is not one number',
    (text) => {
      expect(parseNumeral(text)).toBeUndefined();
    },
  );
});

describe('findNumerals', () => {
  it('finds each numeral with offsets into the text', () => {
    const text = '一百五买的，现在降价到一百二，买了3件';
    const spans = findNumerals(text);
    expect(spans.map((s) => [text.slice(s.start, s.end), s.value, s.arabic])).toEqual([
      ['一百五', 150, false],
      ['一百二', 120, false],
      ['3', 3, true],
    ]);
  });

  it('takes 半 only before a measure word', () => {
    expect(findNumerals('半个月').map((s) => s.value)).toEqual([0.5]);
    expect(findNumerals('半价').map((s) => s.value)).toEqual([]);
  });

  it('skips "three or four" rather than guessing', () => {
    expect(findNumerals('三四件')).toEqual([]);
  });

  it('does not read 百搭 or 千万别 as numbers', () => {
    expect(findNumerals('百搭款，千万别买错')).toEqual([]);
  });

  it('readNumeral reads only at the given position', () => {
    expect(readNumeral('买了两件', 2)).toEqual({ start: 2, end: 3, value: 2, arabic: false });
    expect(readNumeral('买了两件', 0)).toBeUndefined();
  });

  it('survives hostile input', () => {
    expect(findNumerals('')).toEqual([]);
    expect(findNumerals('\ud800\udfff\ud800😀')).toEqual([]);
    expect(findNumerals('9'.repeat(5000))[0]!.value).toBe(Number.POSITIVE_INFINITY);
  });
});
