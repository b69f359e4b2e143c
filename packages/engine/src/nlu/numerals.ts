/**
 * Chinese and mixed numerals as shoppers type them: 两件, 三十八, 一百五 (=150), 一百零五, 1万2 (=12000),
 * 3.5万, 二零二六 (digit by digit), 廿五, 半. A hand-written scanner: it runs on every message, so no regex
 * and no allocation beyond the returned spans.
 */

/** A numeral found in a string; `text.slice(start, end)` is its surface form. */
export interface NumeralSpan {
  start: number;
  end: number;
  value: number;
  /** Written with ASCII digits only (1,299.5), as opposed to Chinese or mixed (一百五, 1万2). */
  arabic: boolean;
}

const HAN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
/** Per character: 10/100/1000 small units, 1e4/1e8 big units, -20/-30 for 廿/卅 (二十/三十 in one char). */
const unitTable = new Int32Array(0x10000);
for (const [c, v] of Object.entries({
  十: 10,
  百: 100,
  千: 1000,
  万: 10_000,
  亿: 100_000_000,
  廿: -20,
  卅: -30,
})) {
  unitTable[c.charCodeAt(0)] = v;
}
const digitTable = new Int8Array(0x10000).fill(-1);
for (const [c, v] of Object.entries(HAN_DIGITS)) digitTable[c.charCodeAt(0)] = v;
const TWO = '两'.charCodeAt(0);
const HALF = '半'.charCodeAt(0);

/** Characters that can appear in a numeral; lets callers skip numeral work on text without any. */
export const NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万亿廿卅半';

/**
 * After a bare 半 these make it a quantity (半个, 半斤, 半年); elsewhere 半 is a word part (一半, 半价
 * is kept out on purpose: the discount is not an amount).
 */
const HALF_FOLLOWERS = new Set('个斤年月天小瓶箱盒包袋杯碗份块打只'.split('').map((c) => c.charCodeAt(0)));

const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Reads 1299 / 1,299 / 12.5 at `pos`; returns the end index (pos when there is no digit). */
function arabicEnd(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && isAsciiDigit(text.charCodeAt(i))) i++;
  if (i === pos) return pos;
  // Thousands groups only when every group is exactly three digits (1,299 but not 1,2,3).
  if (i - pos <= 3) {
    let j = i;
    while (
      text.charCodeAt(j) === 44 &&
      isAsciiDigit(text.charCodeAt(j + 1)) &&
      isAsciiDigit(text.charCodeAt(j + 2)) &&
      isAsciiDigit(text.charCodeAt(j + 3)) &&
      !isAsciiDigit(text.charCodeAt(j + 4))
    ) {
      j += 4;
    }
    i = j;
  }
  if (text.charCodeAt(i) === 46 && isAsciiDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (i < text.length && isAsciiDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

interface Scanned {
  end: number;
  /** undefined: the characters are numeral-like but not one number (三四件 is "three or four"). */
  value: number | undefined;
  arabic: boolean;
}

/** Digit-by-digit Chinese (二零二六, 一一零): needs a zero or three digits to tell it from 三四 (3 or 4). */
function scanDigitString(text: string, pos: number): Scanned {
  let i = pos;
  let s = '';
  let hasZero = false;
  let hasTwo = false;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const d = digitTable[c]!;
    if (d < 0) break;
    if (d === 0) hasZero = true;
    if (c === TWO) hasTwo = true;
    s += d;
    i++;
  }
  const ok =
    !hasTwo && (hasZero || s.length >= 3) && !(i < text.length && unitTable[text.charCodeAt(i)]! > 0);
  return { end: i, value: ok ? Number(s) : undefined, arabic: false };
}

function scan(text: string, pos: number): Scanned | undefined {
  const first = text.charCodeAt(pos);
  if (first === HALF) return { end: pos + 1, value: 0.5, arabic: false };
  let total = 0; // completed 万/亿 groups
  let section = 0; // value below the current big unit
  let pending: number | undefined; // last digit or number not yet multiplied
  let pendingIsSingleDigit = false;
  let lastUnit = 0;
  let smallLimit = Number.POSITIVE_INFINITY; // 千 > 百 > 十 inside one group
  let bigLimit = Number.POSITIVE_INFINITY;
  let zeroSeen = false;
  let arabic = true;
  let end = pos;
  let i = pos;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isAsciiDigit(c)) {
      if (pending !== undefined) break;
      const j = arabicEnd(text, i);
      const digits = text.slice(i, j);
      pending = Number(digits.includes(',') ? digits.replaceAll(',', '') : digits);
      pendingIsSingleDigit = j - i === 1;
      i = j;
      end = i;
      continue;
    }
    const d = digitTable[c]!;
    if (d >= 0) {
      if (pending !== undefined) {
        // Two digits in a row: only a digit-by-digit numeral (二零二六) if nothing else came before.
        if (i === pos + 1 && !arabic) return scanDigitString(text, pos);
        break;
      }
      arabic = false;
      if (d === 0) {
        zeroSeen = true;
        if (lastUnit === 0) {
          pending = 0;
          end = i + 1;
        }
        i++;
        continue;
      }
      pending = d;
      pendingIsSingleDigit = true;
      i++;
      end = i;
      continue;
    }
    const unit = unitTable[c]!;
    if (unit === 0) break;
    if (unit < 0) {
      // 廿/卅 stand for a digit and 十 together.
      if (pending !== undefined || smallLimit <= 10) break;
      section += -unit;
    } else if (unit === 10) {
      if (smallLimit <= 10) break;
      section += (pending ?? 1) * 10;
    } else if (unit < 10_000) {
      // 百 and 千 need an explicit digit: a bare 百 is a word (百搭), not 100.
      if (pending === undefined || unit >= smallLimit) break;
      section += pending * unit;
    } else {
      if ((pending === undefined && section === 0) || unit >= bigLimit) break;
      total += (section + (pending ?? 0)) * unit;
      section = 0;
      bigLimit = unit;
      smallLimit = Number.POSITIVE_INFINITY;
      pending = undefined;
      lastUnit = unit;
      zeroSeen = false;
      arabic = false;
      i++;
      end = i;
      continue;
    }
    smallLimit = unit < 0 ? 10 : unit;
    lastUnit = smallLimit;
    pending = undefined;
    zeroSeen = false;
    arabic = false;
    i++;
    end = i;
  }
  if (end === pos) return undefined;
  let tail = pending ?? 0;
  // Colloquial trailing digit: 一百五 is 150, 两千三 is 2300, 1万2 is 12000, unless a 零 intervenes (一百零五).
  if (pending !== undefined && lastUnit >= 100 && !zeroSeen && pendingIsSingleDigit)
    tail = pending * (lastUnit / 10);
  return { end, value: total + section + tail, arabic };
}

/**
 * Reads the numeral starting exactly at `pos`, or undefined when none starts there.
 * @example readNumeral('买了两件', 2) // { start: 2, end: 3, value: 2, arabic: false }
 */
export function readNumeral(text: string, pos: number): NumeralSpan | undefined {
  const s = scan(text, pos);
  if (!s || s.value === undefined) return undefined;
  return { start: pos, end: s.end, value: s.value, arabic: s.arabic };
}

/**
 * Parses a string that is one numeral and nothing else; undefined when it is not a number.
 * @example parseNumeral('一百五') // 150
 * @example parseNumeral('1万2') // 12000
 */
export function parseNumeral(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const r = scan(s, 0);
  return r && r.end === s.length ? r.value : undefined;
}

/** 1 where a numeral can start (digits, 十, 廿, 卅), 2 for 半 (only before a measure word). */
const startTable = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  if (isAsciiDigit(c) || digitTable[c]! >= 0 || unitTable[c] === 10 || unitTable[c]! < 0) startTable[c] = 1;
}
startTable[HALF] = 2;

/**
 * All numerals in `text`, left to right, non-overlapping.
 * @example findNumerals('一百五买的，降到一百二') // values 150 and 120
 */
export function findNumerals(text: string): NumeralSpan[] {
  const out: NumeralSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const start = startTable[text.charCodeAt(i)]!;
    if (start === 0 || (start === 2 && !HALF_FOLLOWERS.has(text.charCodeAt(i + 1)))) {
      i++;
      continue;
    }
    const s = scan(text, i);
    if (!s) {
      i++;
      continue;
    }
    if (s.value !== undefined) out.push({ start: i, end: s.end, value: s.value, arabic: s.arabic });
    i = s.end;
  }
  return out;
}
