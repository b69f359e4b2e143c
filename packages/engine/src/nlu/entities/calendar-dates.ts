/**
 * Dates written on the calendar: 11月20号, 2026年11月11日, 去年11月, 11-20, 11.20, 20号, 双十一, 618.
 */
import { parseNumeral } from '../numerals.ts';
import { dayNumber, daysInMonth, monthPart, nearestYear, type Today } from './calendar.ts';
import { SCORE } from './candidates.ts';
import { CUE_SIZE_LEAD, nearestCue } from './cues.ts';
import type { DateSpan } from './date-patterns.ts';
import type { Scan } from './scan.ts';
import { allMatches, charSet, isAsciiLetter } from './text-chars.ts';
import { isNonMoneyFollower } from './units.ts';

const HAN = '零〇一二两三四五六七八九十廿卅';
const ABSOLUTE =
  /(?<![\d零〇一二两三四五六七八九十])(?:(\d{4}|[零〇一二三四五六七八九]{4}|今|去|明|前)年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:(\d{1,2}|[一二三四五六七八九十廿卅]{1,3})([日号])?|(底|末|初|上旬|中旬|下旬|中))?/dg;
const NUMERIC = /(?<![\d./:-])(?:(\d{4})[-/.])?(\d{1,2})([-/.])(\d{1,2})(?![\d./:-])/g;
const DAY_OF_MONTH = new RegExp(
  `(?<![\\d./${HAN}])(\\d{1,2}|[一二三四五六七八九十廿卅]{1,3})[号日](?![楼院线门店机码库位台仓座桌柜窗口子])`,
  'g',
);
const FESTIVAL = /双(?:十一|11)|双(?:十二|12)|(?<![\d.¥￥])618(?![\d.%元块万kK])|六一八/g;
const isAddressBeforeHao = charSet('路街巷弄道区栋第楼');

const YEAR_WORDS: Record<string, number> = { 今: 0, 去: -1, 明: 1, 前: -2 };

export function absoluteDates(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(ABSOLUTE, text)) {
    const month = parseNumeral(m[2]!);
    if (month === undefined || month < 1 || month > 12 || !Number.isInteger(month)) continue;
    const start = m.index!;
    let end = start + m[0].length;
    let day = m[3] ? parseNumeral(m[3]) : undefined;
    // 11月2件: a number after 月 without 号 is a day only if nothing else claims it.
    if (day !== undefined && !m[4]) {
      const after = text.charCodeAt(end);
      if (isNonMoneyFollower(after) || isAsciiLetter(after)) {
        day = undefined;
        end = m.indices![3]![0];
      }
    }
    const yearWord = m[1];
    let year: number;
    if (yearWord === undefined) year = nearestYear(t, month, day ?? 1);
    else if (yearWord in YEAR_WORDS) year = t.year + YEAR_WORDS[yearWord]!;
    else year = parseNumeral(yearWord) ?? t.year;
    if (day !== undefined) {
      if (day < 1 || day > daysInMonth(year, month) || !Number.isInteger(day)) continue;
      out.push({ start, end, score: SCORE.date, dn: dayNumber(year, month, day), grain: 'day' });
    } else {
      const [dn, endDn, grain] = monthPart(year, month, m[5]);
      out.push({ start, end, score: m[5] ? SCORE.date : SCORE.month, dn, endDn, grain });
    }
  }
}

export function numericDates(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(NUMERIC, text)) {
    const month = Number(m[2]);
    const day = Number(m[4]);
    const start = m.index!;
    const end = start + m[0].length;
    const year = m[1] ? Number(m[1]) : nearestYear(t, month, day);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) continue;
    const after = text.charCodeAt(end);
    // 11.5 is as likely ¥11.5 as 11月5日; 11.20 and 11.5号 read as dates, 1.5斤 and 36.5码 never do.
    if (!m[1] && m[3] === '.') {
      if (isNonMoneyFollower(after) && text[end] !== '号' && text[end] !== '日') continue;
      if (m[4]!.length < 2 && text[end] !== '号' && text[end] !== '日') continue;
    }
    const score = m[1] ? SCORE.date : SCORE.numericDate;
    out.push({ start, end, score, dn: dayNumber(year, month, day), grain: 'day' });
  }
}

export function daysOfMonth(scan: Scan, t: Today, out: DateSpan[]): void {
  const { text } = scan;
  for (const m of allMatches(DAY_OF_MONTH, text)) {
    const day = parseNumeral(m[1]!);
    const start = m.index!;
    const end = start + m[0].length;
    if (day === undefined || day < 1 || day > 31 || !Number.isInteger(day)) continue;
    if (isAddressBeforeHao(text.charCodeAt(start - 1))) continue;
    // 穿20号 / 尺码20号 is a size.
    if (nearestCue(scan, CUE_SIZE_LEAD, start, end, 3, 0)) continue;
    const dn = dayNumber(t.year, t.month, Math.min(day, daysInMonth(t.year, t.month)));
    out.push({ start, end, score: SCORE.dayOfMonth, dn, grain: 'day', dayOfMonth: day });
  }
}

const FESTIVAL_DATES: Record<string, [number, number]> = {
  双十一: [11, 11],
  双11: [11, 11],
  双十二: [12, 12],
  双12: [12, 12],
};

export function festivals(text: string, t: Today, out: DateSpan[]): void {
  for (const m of allMatches(FESTIVAL, text)) {
    const [month, day] = FESTIVAL_DATES[m[0]] ?? [6, 18];
    const dn = dayNumber(nearestYear(t, month, day), month, day);
    out.push({ start: m.index!, end: m.index! + m[0].length, score: SCORE.festival, dn, grain: 'day' });
  }
}
