/**
 * Dates and times relative to EntityContext.now in the shop's time zone. Dates (date-patterns.ts) and
 * clock times (time-of-day.ts) are found separately and joined when adjacent: 明天下午三点, 11月20号
 * 15:30, 这个月20号, 今晚8点.
 */

import { isoDate, isoDateTime, today } from './calendar.ts';
import { type Candidate, SCORE } from './candidates.ts';
import { type DateSpan, findDates } from './date-patterns.ts';
import { DATE_TIME, HAS_DIGIT, type Scan } from './scan.ts';
import { findTimes, type TimeSpan } from './time-of-day.ts';

const NO_TIMES: readonly TimeSpan[] = [];

function dateCandidate(d: DateSpan): Candidate {
  const fields =
    d.endDn === undefined
      ? ({ type: 'datetime', value: isoDate(d.dn), grain: d.grain } as const)
      : ({ type: 'datetime', value: isoDate(d.dn), grain: d.grain, rangeEnd: isoDate(d.endDn) } as const);
  return { start: d.start, end: d.end, score: d.score, fields };
}

function timeCandidate(start: number, dn: number, t: TimeSpan, evening: boolean, score: number): Candidate {
  // 今晚8点: the evening comes from the date word when the time itself has no part of day.
  const minutes = evening && !t.hasDaypart && t.minutes < 720 ? t.minutes + 720 : t.minutes;
  const fields = { type: 'datetime', value: isoDateTime(dn + t.dayOffset, minutes), grain: t.grain } as const;
  return { start, end: t.end, score, fields };
}

export function extractDatetimes(scan: Scan, out: Candidate[]): void {
  const { text } = scan;
  if (scan.dateBits === 0 && !(scan.flags & HAS_DIGIT)) return;
  const t = today(scan.ctx);
  const dates = findDates(scan, t);
  const times = scan.dateBits & DATE_TIME ? findTimes(text) : NO_TIMES;
  if (dates.length === 0 && times.length === 0) return;
  // Index by position so joining stays linear on long inputs.
  const singleDayEndingAt = new Map<number, DateSpan>();
  const singleDayStartingAt = new Map<number, DateSpan>();
  const dayOfMonthAt = new Map<number, DateSpan>();
  for (const d of dates) {
    out.push(dateCandidate(d));
    if (d.grain === 'day' && d.endDn === undefined) {
      if (!singleDayEndingAt.has(d.end)) singleDayEndingAt.set(d.end, d);
      if (!singleDayStartingAt.has(d.start)) singleDayStartingAt.set(d.start, d);
    }
    if (d.dayOfMonth !== undefined) dayOfMonthAt.set(d.start, d);
  }
  const adjacentTo = <T>(index: Map<number, T>, pos: number, next: boolean): T | undefined => {
    const exact = index.get(pos);
    if (exact) return exact;
    const gap = next ? pos : pos - 1;
    return text[gap] === ' ' || text[gap] === '的' ? index.get(next ? pos + 1 : pos - 1) : undefined;
  };
  // 这个月20号 / 下个月5号: a month followed by a bare day of the month.
  for (const month of dates) {
    if (month.grain !== 'month' || dayOfMonthAt.size === 0) continue;
    const day = adjacentTo(dayOfMonthAt, month.end, true);
    if (!day) continue;
    const dn = month.dn + day.dayOfMonth! - 1;
    if (dn <= month.endDn!)
      out.push(dateCandidate({ start: month.start, end: day.end, score: SCORE.date, dn, grain: 'day' }));
  }
  for (const time of times) {
    const date = adjacentTo(singleDayEndingAt, time.start, false);
    if (date) {
      out.push(timeCandidate(date.start, date.dn, time, date.evening === true, SCORE.dateTime));
    } else {
      // 今晚8点 holds the date word 今晚: the whole must beat the date alone.
      const inner = singleDayStartingAt.get(time.start);
      const holdsDate = inner !== undefined && inner.end <= time.end;
      out.push(timeCandidate(time.start, t.dn, time, false, holdsDate ? SCORE.dateTime : SCORE.time));
    }
  }
}
