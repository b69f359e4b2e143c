/**
 * Words that follow a number and say what it counts. Shared so that amount, quantity, size and date
 * extractors agree on which number belongs to whom (3个 is never ¥3, 38码 is never 38 days).
 */
import { charSet } from './text-chars.ts';

/** Measure words for goods: 两件, 一双, 五箱. 块 is money here, 打/听 are mostly verbs. */
export const MEASURE_CHARS =
  '件个双箱瓶包盒台只条套支袋本张份对副顶把斤罐桶提片粒颗枚部辆组卷根册款单杯束盆株棵筒';
export const isMeasureChar = charSet(MEASURE_CHARS);

/** Multi-character and Latin measures, checked before the single characters. */
export const MEASURE_WORDS = ['公斤', '千克', '毫升', 'kg', 'ml'] as const;

/** After 个, these make a duration (三个月, 两个小时), not a count of goods. */
export const isDurationAfterGe = charSet('月小星礼工钟多');

/**
 * Anything that, written right after a number, gives it a meaning other than money: measures, sizes,
 * dates, times, percentages, floors.
 */
export const isNonMoneyFollower = charSet(
  '件个双箱瓶包盒台只条套支袋本张份对副顶把斤罐桶提片粒颗枚部辆组卷根册款单杯束盆株棵筒听打' +
    '码号日月年天周点时分秒%％折倍岁米度寸尺楼层栋室座次位人期克升',
);

/** Characters before a number that make it an ordinal or a label: 第二件, 第3. */
export const isOrdinalMark = charSet('第');

/** Before 一, these make it part of a word (这一件, 上一单, 统一), not a count. */
export const isYiPrefix = charSet('这那哪每同任唯统万上下');

/** 几十块, 十几件: an approximate number, not the digits written. */
export const isApproximateMark = charSet('几');
