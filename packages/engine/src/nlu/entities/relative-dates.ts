/**
 * Dates relative to today: 昨天, 今晚, 三天前, 两周后, 上周三, 这周, 下周末, 上个月, 月底.
 */
import { parseNumeral } from '../numerals.ts';
import { dayNumber, daysInMonth, monthPart, type Today, weekStart, ymd } from './calendar.ts';
import { SCORE } from './candidates.ts';
import type { DateSpan } from './date-patterns.ts';
import { allMatches, charSet } from './text-chars.ts';

const RELATIVE_DAYS: Record<string, [offset: number, evening: boolean]> = {
  大前天: [-3, false],
  前天: [-2, false],
  昨天: [-1, false],
  昨日: [-1, false],
  昨儿: [-1, false],
  昨晚: [-1, true],
  昨夜: [-1, true],
  今天: [0, false],
  今日: [0, false],
  今儿: [0, false],
  今早: [0, false],
  今晚: [0, true],
  明天: [1, false],
  明日: [1, false],
  明儿: [1, false],
  明早: [1, false],
  明晚: [1, true],
  后天: [2, false],
  大后天: [3, false],
};
const RELATIVE_DAY = new RegExp(
  Object.keys(RELATIVE_DAYS)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);
const HAN = '零〇一二两三四五六七八九十廿卅';
const OFFSET = /(\d{1,3}|[一二两三四五六七八九十百]{1,4})(天|个?星期|个?礼拜|周|个月)(?:之|以)?(前|后)/g;
const WEEK = /(上上|下下|上|下|这|本)?(个)?(周|星期|礼拜)([一二三四五六日天1-7]|末)?/g;
const MONTH_REL = /(上上|下下|上|下|这|本)个?月(底|末|初|中旬|中|份)?|月(底|末|初)/g;

const WEEK_SHIFT: Record<string, number> = { 上上: -2, 上: -1, 这: 0, 本: 0, 下: 1, 下下: 2 };
/** Before 上/下, these make the prefix part of another word: 早上周三 is 早上 + 周三, 一下周 is 一下 + 周. */
const isWordBeforeShift = charSet('早晚马路线网身手楼以一剩留底地天');
const isNumeralChar = charSet(`${HAN}0123456789每`);

export function relativeDays(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(RELATIVE_DAY, text)) {
    const [offset, evening] = RELATIVE_DAYS[m[0]]!;
    const start = m.index!;
    out.push({
      start,
      end: start + m[0].length,
      score: SCORE.date,
      dn: t.dn + offset,
      grain: 'day',
      evening,
    });
  }
}

export function offsets(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(OFFSET, text)) {
    const n = parseNumeral(m[1]!);
    if (n === undefined || !Number.isInteger(n)) continue;
    const sign = m[3] === '前' ? -1 : 1;
    let dn: number;
    if (m[2] === '个月') {
      const [y, mo, d] = ymd(t.dn);
      const target = mo + sign * n;
      const ty = y + Math.floor((target - 1) / 12);
      const tm = ((((target - 1) % 12) + 12) % 12) + 1;
      dn = dayNumber(ty, tm, Math.min(d, daysInMonth(ty, tm)));
    } else {
      dn = t.dn + sign * n * (m[2] === '天' ? 1 : 7);
    }
    out.push({ start: m.index!, end: m.index! + m[0].length, score: SCORE.date, dn, grain: 'day' });
  }
}

export function weeks(text: string, t: Today, startsOn: 0 | 1, out: DateSpan[]): void {
  for (const m of allMatches(WEEK, text)) {
    let start = m.index!;
    let prefix = m[1];
    if ((prefix === '上' || prefix === '下') && isWordBeforeShift(text.charCodeAt(start - 1))) {
      prefix = undefined;
      start++;
    }
    const day = m[4];
    // 周 alone is a week only with 上/这/下 or a day (周三); 一周 and 每周 are durations and habits.
    if (!day && !prefix) continue;
    if (!prefix && (m[2] || isNumeralChar(text.charCodeAt(start - 1)))) continue;
    const ws = weekStart(t.dn, startsOn) + 7 * (WEEK_SHIFT[prefix ?? '这'] ?? 0);
    const end = m.index! + m[0].length;
    if (!day) {
      out.push({ start, end, score: SCORE.week, dn: ws, endDn: ws + 6, grain: 'week' });
    } else if (day === '末') {
      const saturday = startsOn === 1 ? ws + 5 : ws + 6;
      out.push({ start, end, score: SCORE.week, dn: saturday, endDn: saturday + 1, grain: 'day' });
    } else {
      const iso = '日天7'.includes(day) ? 7 : (parseNumeral(day) ?? 1);
      const dn = startsOn === 1 ? ws + iso - 1 : ws + (iso % 7);
      out.push({ start, end, score: SCORE.week, dn, grain: 'day' });
    }
  }
}

export function relativeMonths(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(MONTH_REL, text)) {
    const start = m.index!;
    if (!m[1] && isNumeralChar(text.charCodeAt(start - 1))) continue;
    const shift = m[1] ? (WEEK_SHIFT[m[1]] ?? 0) : 0;
    const total = t.year * 12 + t.month - 1 + shift;
    const year = Math.floor(total / 12);
    const [dn, endDn, grain] = monthPart(year, (total % 12) + 1, m[2] ?? m[3]);
    out.push({ start, end: start + m[0].length, score: SCORE.month, dn, endDn, grain });
  }
}
