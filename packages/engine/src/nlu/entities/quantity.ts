/**
 * Counts of goods: a numeral and a measure word (两件, 3个, 一双, 五箱, 一个半, 2kg). Durations (三个月)
 * and ordinals (第二件, 上一单) are not counts.
 */
import { type Candidate, SCORE } from './candidates.ts';
import { HAS_MEASURE, type Scan } from './scan.ts';
import { charSet, isAsciiLetter } from './text-chars.ts';
import {
  isApproximateMark,
  isDurationAfterGe,
  isMeasureChar,
  isOrdinalMark,
  isYiPrefix,
  MEASURE_WORDS,
} from './units.ts';

const YI = '一'.charCodeAt(0);
const isMeasureStart = charSet(`${MEASURE_WORDS.map((w) => w[0]).join('')}KM`);

/** The measure word at `i`, or undefined. */
/** The measure word at `i`, or undefined. */
function measureAt(text: string, i: number): string | undefined {
  const c = text.charCodeAt(i);
  if (isMeasureChar(c)) {
    const next = text.charCodeAt(i + 1);
    if (text[i] === '个' && isDurationAfterGe(next)) return undefined;
    if (text[i] === '部' && text[i + 1] === '分') return undefined; // 一部分 is "a part"
    if (text[i] === '单' && text[i + 1] === '元') return undefined; // 2单元 is an address
    return text[i];
  }
  if (!isMeasureStart(c)) return undefined;
  for (const w of MEASURE_WORDS) {
    if (text.slice(i, i + w.length).toLowerCase() === w && !isAsciiLetter(text.charCodeAt(i + w.length))) {
      return text.slice(i, i + w.length);
    }
  }
  return undefined;
}

export function extractQuantities(scan: Scan, out: Candidate[]): void {
  if (!(scan.flags & HAS_MEASURE)) return;
  const { text } = scan;
  for (const n of scan.numerals) {
    if (!(n.value > 0) || n.value > 1e6) continue;
    const before = text.charCodeAt(n.start - 1);
    if (isOrdinalMark(before) || isAsciiLetter(before)) continue;
    if (isApproximateMark(before) || isApproximateMark(text.charCodeAt(n.end))) continue;
    if (n.end - n.start === 1 && text.charCodeAt(n.start) === YI && isYiPrefix(before)) continue;
    // 二十多件: an approximate count is still the count.
    const at = text[n.end] === '多' ? n.end + 1 : n.end;
    const unit = measureAt(text, at);
    if (!unit) continue;
    let end = at + unit.length;
    let value = n.value;
    if (text[end] === '半') {
      value += 0.5;
      end++;
    }
    out.push({ start: n.start, end, score: SCORE.quantity, fields: { type: 'quantity', value, unit } });
  }
}
