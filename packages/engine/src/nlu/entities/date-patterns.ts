/**
 * Calendar dates as shoppers write them, resolved against today. The patterns live in
 * relative-dates.ts (昨天, 上周三, 月底) and calendar-dates.ts (11月20号, 11.20, 双十一); times of day in
 * time-of-day.ts.
 */
import type { Today } from './calendar.ts';
import { absoluteDates, daysOfMonth, festivals, numericDates } from './calendar-dates.ts';
import { offsets, relativeDays, relativeMonths, weeks } from './relative-dates.ts';
import {
  DATE_DAY,
  DATE_FESTIVAL,
  DATE_MONTH,
  DATE_OFFSET,
  DATE_RELATIVE,
  DATE_SEPARATOR,
  DATE_WEEK,
  HAS_DIGIT,
  type Scan,
} from './scan.ts';

export interface DateSpan {
  start: number;
  end: number;
  score: number;
  dn: number;
  /** Inclusive last day of a range. */
  endDn?: number;
  grain: 'day' | 'week' | 'month';
  /** 今晚/昨晚: a bare hour that follows is in the evening. */
  evening?: boolean;
  /** Set on a bare 20号 so that 这个月20号 / 下个月5号 can be joined. */
  dayOfMonth?: number;
}

/** Every date expression in the text; overlapping readings are all returned and settled later. */
export function findDates(scan: Scan, t: Today): DateSpan[] {
  const { text, dateBits: bits } = scan;
  const out: DateSpan[] = [];
  if (bits & DATE_RELATIVE) relativeDays(text, t, out);
  if (bits & DATE_OFFSET) offsets(text, t, out);
  if (bits & DATE_WEEK) weeks(text, t, scan.ctx.weekStartsOn ?? 1, out);
  if (bits & DATE_MONTH) {
    relativeMonths(text, t, out);
    absoluteDates(text, t, out);
  }
  if (scan.flags & HAS_DIGIT && bits & DATE_SEPARATOR) numericDates(text, t, out);
  if (scan.numerals.length > 0 && bits & DATE_DAY) daysOfMonth(scan, t, out);
  if (bits & DATE_FESTIVAL || text.includes('618') || text.includes('六一八')) festivals(text, t, out);
  return out;
}
