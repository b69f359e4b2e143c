/**
 * Money in yuan: ¥128, 128元, 两百块, 3块5, 5毛, 1.5k元, and bare numbers where the message is about price
 * (一百五买的，降到一百二; 差价20). Explicit currency beats context; context beats nothing.
 */
import type { NumeralSpan } from '../numerals.ts';
import { type Candidate, SCORE } from './candidates.ts';
import { CUE_PRICE, hasCue, nearestCue } from './cues.ts';
import { DATE_SEPARATOR, HAS_MONEY, type Scan } from './scan.ts';
import { charSet, isAsciiDigit, isAsciiLetter } from './text-chars.ts';
import { isApproximateMark, isNonMoneyFollower, isOrdinalMark } from './units.ts';

const isYenSign = charSet('¥￥');
const isApprox = charSet('多余来');
/** 毛 is also wool: 毛衣, 毛巾 are not ten cents. */
const isWoolWord = charSet('衣巾呢线绒料球边刺孔毯发');
const HAN_DIGIT_VALUES = '零一二三四五六七八九';
const isHanUnit = charSet('十百千万亿廿卅');

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Public hotlines shoppers threaten with or mention (投诉12315): never money by context alone. */
const HOTLINES = new Set(['110', '119', '120', '122', '12315', '12345', '12306', '12365', '12358', '12318']);

interface Money {
  end: number;
  value: number;
  explicit: boolean;
}

/** Reads what follows a numeral: currency words, 块 with its jiao digit, k/w multipliers. */
function readMoneySuffix(text: string, n: NumeralSpan): Money {
  let i = n.end;
  let value = n.value;
  const k = text[i];
  if ((k === 'k' || k === 'K' || k === 'w' || k === 'W') && !isAsciiLetter(text.charCodeAt(i + 1))) {
    value *= k === 'k' || k === 'K' ? 1000 : 10_000;
    i++;
  }
  if (isApprox(text.charCodeAt(i))) i++;
  const c = text[i];
  if (c === '块' && text[i + 1] === '钱') return { end: i + 2, value, explicit: true };
  if (c === '元' || c === '圆') return { end: i + 1, value, explicit: true };
  if (c === '块') {
    i++;
    // 3块5 / 3块5毛 / 两块半: the digit after 块 is jiao.
    const next = text[i] ?? '';
    const jiao = isAsciiDigit(text.charCodeAt(i)) ? Number(next) : HAN_DIGIT_VALUES.indexOf(next);
    if (jiao > 0 && !isAsciiDigit(text.charCodeAt(i + 1))) {
      i++;
      if (text[i] === '毛' || text[i] === '角') i++;
      return { end: i, value: value + jiao / 10, explicit: true };
    }
    if (next === '半') return { end: i + 1, value: value + 0.5, explicit: true };
    return { end: i, value, explicit: true };
  }
  if ((c === '毛' || c === '角') && !isWoolWord(text.charCodeAt(i + 1))) {
    const end = text[i + 1] === '钱' ? i + 2 : i + 1;
    return { end, value: value / 10, explicit: true };
  }
  if (c === '人' && text.startsWith('人民币', i)) return { end: i + 3, value, explicit: true };
  if ((c === 'r' || c === 'R') && /^rmb$/i.test(text.slice(i, i + 3)))
    return { end: i + 3, value, explicit: true };
  return { end: i, value, explicit: false };
}

function hanHasUnit(text: string, n: NumeralSpan): boolean {
  for (let i = n.start; i < n.end; i++) if (isHanUnit(text.charCodeAt(i))) return true;
  return false;
}

export function extractAmounts(scan: Scan, out: Candidate[]): void {
  if (scan.numerals.length === 0) return;
  // Without a currency character, a price word or a decimal point there is nothing to read as money.
  if (!(scan.flags & HAS_MONEY) && !hasCue(scan, CUE_PRICE) && !(scan.dateBits & DATE_SEPARATOR)) return;
  const { text } = scan;
  for (const n of scan.numerals) {
    if (!(n.value > 0) || !Number.isFinite(n.value) || n.value >= 1e9) continue;
    const before = text.charCodeAt(n.start - 1);
    if (isOrdinalMark(before) || (isAsciiLetter(before) && n.arabic)) continue;
    if (isApproximateMark(before) || isApproximateMark(text.charCodeAt(n.end))) continue;
    let start = n.start;
    if (isYenSign(before)) start--;
    else if (before === 32 && isYenSign(text.charCodeAt(n.start - 2))) start -= 2;
    const money = readMoneySuffix(text, n);
    const value = round2(money.value);
    if (money.explicit || start < n.start) {
      out.push({
        start,
        end: money.end,
        score: SCORE.amountExplicit,
        fields: { type: 'amount', value, currency: 'CNY' },
      });
      continue;
    }
    const after = text.charCodeAt(money.end);
    if (isNonMoneyFollower(after) || isAsciiLetter(after) || (after === 46 && n.arabic)) continue;
    if (n.arabic && HOTLINES.has(text.slice(n.start, n.end))) continue;
    // A lone 一 or 五 is far too common to be money on context alone (便宜一下); 一百五 is not.
    if (!n.arabic && !hanHasUnit(text, n)) continue;
    if (nearestCue(scan, CUE_PRICE, n.start, money.end, 12, 8)) {
      const fields = { type: 'amount', value, currency: 'CNY' } as const;
      out.push({ start, end: money.end, score: SCORE.amountByContext, fields });
    } else if (n.arabic && /^\d+\.\d{1,2}$/.test(text.slice(n.start, n.end)) && money.end === n.end) {
      const fields = { type: 'amount', value, currency: 'CNY' } as const;
      out.push({ start, end: n.end, score: SCORE.bareDecimal, fields });
    }
  }
}
