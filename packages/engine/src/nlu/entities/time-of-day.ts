/**
 * Clock times: 15:30, 下午三点, 晚上8点半, 明早九点一刻. A bare 一点 is "a little" far more often than
 * 1 o'clock, so it needs a part of the day or minutes to count.
 */
import { parseNumeral } from '../numerals.ts';
import { allMatches, charSet } from './text-chars.ts';

export interface TimeSpan {
  start: number;
  end: number;
  /** Minutes after midnight; 晚上12点 is 1440, midnight at the end of the day. */
  minutes: number;
  grain: 'hour' | 'minute';
  /** Days from today implied by the part of day itself (明早 +1, 昨晚 -1). */
  dayOffset: number;
  /** Whether 上午/下午/晚上… fixed the half of the day. */
  hasDaypart: boolean;
}

const TIME =
  /(?:(凌晨|早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|今晚|明晚|昨晚|今早|明早|早|晚)\s?)?(?:(?<![\d:])(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?(?![\d:])|(?<![\d.])(\d{1,2}|[零一二两三四五六七八九十]{1,3})[点时](?:(半)|(一刻|三刻)|(钟)|(\d{1,2}|[零一二三四五六七八九十]{1,3})(分)?)?)/dg;

type Half = 'am' | 'pm' | 'noon' | 'night';
const DAYPARTS: Record<string, [Half, number]> = {
  凌晨: ['night', 0],
  半夜: ['night', 0],
  早上: ['am', 0],
  早晨: ['am', 0],
  清晨: ['am', 0],
  上午: ['am', 0],
  早: ['am', 0],
  今早: ['am', 0],
  明早: ['am', 1],
  中午: ['noon', 0],
  下午: ['pm', 0],
  傍晚: ['pm', 0],
  晚上: ['pm', 0],
  夜里: ['pm', 0],
  夜间: ['pm', 0],
  晚: ['pm', 0],
  今晚: ['pm', 0],
  明晚: ['pm', 1],
  昨晚: ['pm', -1],
};
/** 最晚3点 is "3 o'clock at the latest", not 3 in the evening. */
const isDegreeWord = charSet('最太很较更提');
const isRatioWord = charSet('折倍成');

/** 24-hour clock from a 12-hour reading and the part of the day. */
export function toClock(hour: number, half: Half | undefined): number {
  if (half === 'pm' && hour <= 12) return hour + 12; // 晚上12点 is midnight, the end of that day
  if (half === 'noon' && hour <= 2) return hour + 12;
  if (half === 'night' && hour === 12) return 0;
  return hour;
}

export function findTimes(text: string): TimeSpan[] {
  const out: TimeSpan[] = [];
  for (const m of allMatches(TIME, text)) {
    let start = m.index!;
    let end = start + m[0].length;
    let daypart = m[1];
    if (daypart?.length === 1 && isDegreeWord(text.charCodeAt(start - 1))) {
      daypart = undefined;
      start++;
    }
    let hour: number | undefined;
    let minute: number | undefined;
    if (m[2] !== undefined) {
      hour = Number(m[2]);
      minute = Number(m[3]);
      if (hour > 23 || minute > 59) continue;
    } else {
      hour = parseNumeral(m[4]!);
      if (hour === undefined || !Number.isInteger(hour) || hour > 24) continue;
      if (m[5]) minute = 30;
      else if (m[6]) minute = m[6] === '一刻' ? 15 : 45;
      else if (m[8] !== undefined) {
        minute = parseNumeral(m[8]);
        // 三点五 is a decimal or a sloppy 3:05; only 三点五十 / 3点5分 / 3点05 are clearly minutes.
        const loneHanDigit = m[8].length === 1 && !/\d/.test(m[8]) && !m[9];
        if (minute === undefined || minute > 59 || loneHanDigit) {
          minute = undefined;
          end = m.indices![8]![0];
        }
      }
      if (!daypart && m[4] === '一' && minute === undefined && !m[7]) continue;
      if (isRatioWord(text.charCodeAt(end)) || isRatioWord(text.charCodeAt(end + 1))) continue;
    }
    const [half, dayOffset] = daypart ? DAYPARTS[daypart]! : [undefined, 0];
    const minutes = toClock(hour, half) * 60 + (minute ?? 0);
    const grain = minute === undefined ? 'hour' : 'minute';
    out.push({ start, end, minutes, grain, dayOffset, hasDaypart: daypart !== undefined });
  }
  return out;
}
