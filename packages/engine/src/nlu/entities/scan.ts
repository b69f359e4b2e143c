/**
 * Everything the extractors share about one message, computed once: which character classes occur (so
 * extractors with nothing to find return at once), the numerals, and the lexicon hits split by kind.
 */
import { findNumerals, NUMERAL_CHARS, type NumeralSpan } from '../numerals.ts';
import type { CueHit } from './cues.ts';
import type { EntityContext } from './entity.ts';
import { LEXICON } from './lexicon.ts';
import { MEASURE_CHARS } from './units.ts';

export const HAS_DIGIT = 1;
export const HAS_HAN_NUMERAL = 2;
export const HAS_LETTER = 4;
/** ¥, 元, 块, 毛…: an explicit amount is possible. */
export const HAS_MONEY = 8;
/** A measure word (件, 个, 双…) or the first letter of kg/ml: a quantity is possible. */
export const HAS_MEASURE = 16;

/** Bits of Scan.dateBits: which date and time patterns could match at all. */
export const DATE_RELATIVE = 1; // 昨今明 (昨天, 今晚, 明早) and 前天/后天
export const DATE_OFFSET = 2; // 前后 (三天前)
export const DATE_WEEK = 4; // 周/星期/礼拜
export const DATE_MONTH = 8; // 月
export const DATE_DAY = 16; // 号/日
export const DATE_FESTIVAL = 32; // 双 (双十一)
export const DATE_TIME = 64; // 点/时/: (三点, 15:30)
export const DATE_SEPARATOR = 128; // - / . between digits (11-20, 11.20)

/**
 * One lookup per character gives both its class bits (low byte) and its date bits (high byte): the scan
 * runs over every message, so it must not call a function per character.
 */
const charTable = new Uint16Array(0x10000);
const mark = (chars: string, bits: number) => {
  for (const ch of chars) charTable[ch.charCodeAt(0)]! |= bits;
};
mark('0123456789', HAS_DIGIT);
mark('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', HAS_LETTER);
mark(NUMERAL_CHARS, HAS_HAN_NUMERAL);
mark('¥￥元圆块毛角钱币rRkKwW', HAS_MONEY);
mark(`${MEASURE_CHARS}公千毫kKmM`, HAS_MEASURE);
for (const [chars, bit] of [
  ['昨今明', DATE_RELATIVE],
  ['前后', DATE_RELATIVE | DATE_OFFSET],
  ['周期拜', DATE_WEEK],
  ['月', DATE_MONTH],
  ['号日', DATE_DAY],
  ['双', DATE_FESTIVAL],
  ['点时:：', DATE_TIME],
  ['-/.', DATE_SEPARATOR],
] as const) {
  mark(chars, bit << 8);
}

export interface LexSpan<V> {
  start: number;
  end: number;
  value: V;
}

export interface Scan {
  readonly text: string;
  readonly ctx: EntityContext;
  readonly flags: number;
  /** ASCII digits in the message: identifiers and phones need many. */
  readonly digitCount: number;
  /** DATE_* bits of the characters present. */
  readonly dateBits: number;
  readonly numerals: readonly NumeralSpan[];
  readonly cues: readonly CueHit[];
  /** OR of every cue's bits, for "anywhere in the message" checks. */
  readonly cueBits: number;
  readonly colors: readonly LexSpan<string>[];
  readonly places: readonly LexSpan<{ level: 'province' | 'city' | 'district'; value: string }>[];
  /** Delivery-point words (门卫, 驿站). */
  readonly details: readonly LexSpan<null>[];
}

const NONE: readonly never[] = [];

export function scanText(text: string, ctx: EntityContext): Scan {
  let bits = 0;
  let digitCount = 0;
  for (let i = 0; i < text.length; i++) {
    const b = charTable[text.charCodeAt(i)]!;
    bits |= b;
    if (b & HAS_DIGIT) digitCount++;
  }
  const flags = bits & 0xff;
  const dateBits = bits >>> 8;
  const cues: CueHit[] = [];
  let cueBits = 0;
  const colors: LexSpan<string>[] = [];
  const places: Scan['places'][number][] = [];
  const details: LexSpan<null>[] = [];
  for (const m of LEXICON.findAll(text)) {
    const p = m.payload;
    if (p.kind === 'cue') {
      if (p.cue === 0) continue;
      cues.push({ start: m.start, end: m.end, cue: p.cue, carrier: p.carrier });
      cueBits |= p.cue;
    } else if (p.kind === 'color') {
      colors.push({ start: m.start, end: m.end, value: p.value });
    } else if (p.kind === 'place') {
      places.push({ start: m.start, end: m.end, value: { level: p.level, value: p.value } });
    } else {
      details.push({ start: m.start, end: m.end, value: null });
    }
  }
  return {
    text,
    ctx,
    flags,
    digitCount,
    dateBits,
    numerals: flags & (HAS_DIGIT | HAS_HAN_NUMERAL) ? findNumerals(text) : NONE,
    cues,
    cueBits,
    colors,
    places,
    details,
  };
}

/** The numeral starting exactly at `pos` (binary search; numerals are sorted). */
export function numeralAt(scan: Scan, pos: number): NumeralSpan | undefined {
  const list = scan.numerals;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.start < pos) lo = mid + 1;
    else hi = mid;
  }
  const n = list[lo];
  return n?.start === pos ? n : undefined;
}
