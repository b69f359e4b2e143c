/**
 * Garment and shoe sizes: S…XXXL (2XL → XXL), 38码/三十八码/36.5码, 175/92A, 均码/小码. Single letters are
 * everywhere in Latin text (iPhone Lite), so S/M/L count only written like a size (M码, L的) or in a
 * message about sizes (尺码, 穿, 换, 大小).
 */
import { type Candidate, SCORE } from './candidates.ts';
import { CUE_SIZE, CUE_SIZE_LEAD, hasCue } from './cues.ts';
import { HAS_LETTER, numeralAt, type Scan } from './scan.ts';
import { allMatches, charSet } from './text-chars.ts';

const LETTER_SIZE = /(?<![A-Za-z0-9])([2-6]XL|X{1,4}L|X{1,3}S|[SML])(?![A-Za-z0-9])/gi;
const HEIGHT_BUST = /(?<![\d/])(1\d{2}|[89]\d)\/(\d{2,3})([A-Za-z])?(?![\dA-Za-z/])/g;
const WORD_SIZE = /均码|加大码|小码|中码|大码/g;
const WORD_VALUES: Record<string, string> = { 均码: '均码', 加大码: 'XL', 小码: 'S', 中码: 'M', 大码: 'L' };
const isSizeMark = charSet('码号');
/** Between 尺码/穿 and the number: 尺码是38, 穿的38. */
const isLeadFiller = charSet('是为的:： 要');

function normaliseLetters(raw: string): string {
  const s = raw.toUpperCase();
  const n = /^(\d)XL$/.exec(s);
  return n ? `${'X'.repeat(Number(n[1]))}L` : s;
}

const isNumericSize = (v: number) => v >= 10 && v <= 60 && Number.isInteger(v * 2);

function extractLetterSizes(scan: Scan, out: Candidate[]): void {
  const { text } = scan;
  const sizeTalk = hasCue(scan, CUE_SIZE);
  for (const m of allMatches(LETTER_SIZE, text)) {
    const raw = m[1]!;
    const start = m.index!;
    let end = start + raw.length;
    const mark = isSizeMark(text.charCodeAt(end));
    const upper = raw === raw.toUpperCase();
    const accepted = mark || sizeTalk || (upper && (raw.length > 1 || text[end] === '的'));
    if (!accepted) continue;
    if (mark) end++;
    out.push({ start, end, score: SCORE.sizeLetter, fields: { type: 'size', value: normaliseLetters(raw) } });
  }
}

function extractNumericSizes(scan: Scan, out: Candidate[]): void {
  const { text } = scan;
  // 换 is enough to read a letter as a size, not to read 20号 as one: 20号换货 is a date.
  const sizeTalk = hasCue(scan, CUE_SIZE_LEAD);
  for (const n of scan.numerals) {
    if (!isNumericSize(n.value)) continue;
    const mark = text[n.end];
    // 38码 always; 38号 when no day of the month could be meant or sizes are the topic.
    if (mark === '码' || (mark === '号' && (n.value > 31 || sizeTalk))) {
      const fields = { type: 'size', value: String(n.value) } as const;
      out.push({ start: n.start, end: n.end + 1, score: SCORE.sizeNumber, fields });
    }
  }
  for (const cue of scan.cues) {
    if (!(cue.cue & CUE_SIZE_LEAD)) continue;
    let i = cue.end;
    while (i < cue.end + 2 && isLeadFiller(text.charCodeAt(i))) i++;
    const n = numeralAt(scan, i);
    if (n && isNumericSize(n.value)) {
      out.push({
        start: n.start,
        end: n.end,
        score: SCORE.sizeByContext,
        fields: { type: 'size', value: String(n.value) },
      });
    }
  }
}

export function extractSizes(scan: Scan, out: Candidate[]): void {
  const { text } = scan;
  if (scan.flags & HAS_LETTER) extractLetterSizes(scan, out);
  if (scan.numerals.length > 0) {
    extractNumericSizes(scan, out);
    for (const m of text.includes('/') ? allMatches(HEIGHT_BUST, text) : []) {
      const bust = Number(m[2]);
      if (bust < 50 || bust > 130) continue;
      const value = `${m[1]}/${m[2]}${(m[3] ?? '').toUpperCase()}`;
      out.push({
        start: m.index!,
        end: m.index! + m[0].length,
        score: SCORE.sizeHeight,
        fields: { type: 'size', value },
      });
    }
  }
  if (text.includes('码')) {
    for (const m of allMatches(WORD_SIZE, text)) {
      const fields = { type: 'size', value: WORD_VALUES[m[0]]! } as const;
      out.push({ start: m.index!, end: m.index! + m[0].length, score: SCORE.sizeLetter, fields });
    }
  }
}
