/**
 * Local-calendar arithmetic on day numbers (days since 1970-01-01 in the shop's time zone). The engine
 * has no clock: "today" always comes from EntityContext.now.
 */
import type { EntityContext } from './entity.ts';

export const DAY_MS = 86_400_000;

export interface Today {
  /** Day number of the local date. */
  dn: number;
  year: number;
  month: number;
  /** Local wall-clock time of `now`, in minutes after midnight. */
  minuteOfDay: number;
}

export function today(ctx: EntityContext): Today {
  const local = ctx.now + ctx.timezoneOffsetMinutes * 60_000;
  const dn = Math.floor(local / DAY_MS);
  const date = new Date(dn * DAY_MS);
  return {
    dn,
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    minuteOfDay: Math.floor((local - dn * DAY_MS) / 60_000),
  };
}

/** Day number of a calendar date; out-of-range days roll over like Date.UTC does. */
export const dayNumber = (year: number, month: number, day: number): number =>
  Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);

export const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Year, month (1–12) and day of a day number. */
export function ymd(dn: number): [number, number, number] {
  const d = new Date(dn * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** 2026-11-11 */
export function isoDate(dn: number): string {
  const [y, m, d] = ymd(dn);
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** 2026-11-11T20:00; minutes may exceed a day and roll into the next date. */
export function isoDateTime(dn: number, minutes: number): string {
  const day = dn + Math.floor(minutes / 1440);
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${isoDate(day)}T${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** 1 = Monday … 7 = Sunday. 1970-01-01 was a Thursday. */
export const isoWeekday = (dn: number): number => ((((dn + 3) % 7) + 7) % 7) + 1;

/** Day number of the first day of the week holding `dn`. */
export function weekStart(dn: number, startsOn: 0 | 1): number {
  const w = isoWeekday(dn);
  return startsOn === 1 ? dn - (w - 1) : dn - (w % 7);
}

/**
 * The year that puts month/day nearest to today: a shopper in January saying 12月20号 means last
 * December, one in December saying 1月5号 means next January.
 */
export function nearestYear(t: Today, month: number, day: number): number {
  const diff = dayNumber(t.year, month, day) - t.dn;
  if (diff > 183) return t.year - 1;
  if (diff < -183) return t.year + 1;
  return t.year;
}

/** 底/初/中 of a month as a day range. */
export function monthPart(
  year: number,
  month: number,
  part: string | undefined,
): [number, number, 'day' | 'month'] {
  const last = daysInMonth(year, month);
  const from = (d: number) => dayNumber(year, month, d);
  switch (part) {
    case '底':
    case '末':
      return [from(last - 4), from(last), 'day'];
    case '初':
      return [from(1), from(5), 'day'];
    case '上旬':
      return [from(1), from(10), 'day'];
    case '中':
    case '中旬':
      return [from(11), from(20), 'day'];
    case '下旬':
      return [from(21), from(last), 'day'];
    default:
      return [from(1), from(last), 'month'];
  }
}
