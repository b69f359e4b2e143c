/**
 * Phone numbers: mainland mobiles in any common spacing (13812345678, 138-1234-5678, +86 138 1234 5678),
 * masked ones (138****5678), landlines with an area code and 400/800 service numbers.
 */
import { type Candidate, SCORE } from './candidates.ts';
import { CUE_PHONE, nearestCue } from './cues.ts';
import type { Scan } from './scan.ts';
import { allMatches } from './text-chars.ts';

const MOBILE = /(?<![\dA-Za-z+])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})(?!\d)/g;
const MASKED = /(?<![\dA-Za-z])(1[3-9]\d)[ -]?([*＊xX]{4})[ -]?(\d{4})(?!\d)/g;
/** A separator after the area code, or none when a phone word says what the digits are. */
const LANDLINE = /(?<![\dA-Za-z])(0[12]\d|0[3-9]\d{2})([ -]?)([1-9]\d{6,7})(?:-(\d{1,5}))?(?!\d)/g;
const SERVICE = /(?<![\dA-Za-z])([48]00)[ -]?(\d{3})[ -]?(\d{4})(?!\d)/g;

const mask = (prefix: string, hidden: number, last4: string) => `${prefix}${'*'.repeat(hidden)}${last4}`;

export function extractPhones(scan: Scan, out: Candidate[]): void {
  // The shortest phone, a masked mobile, still has 7 digits; unmasked ones have 10 or more.
  if (scan.digitCount < 7) return;
  const { text } = scan;
  for (const m of allMatches(MASKED, text)) {
    const masked = mask(m[1]!, 4, m[3]!);
    const start = m.index!;
    out.push({
      start,
      end: start + m[0].length,
      score: SCORE.phone,
      fields: { type: 'phone', value: masked, masked },
    });
  }
  if (scan.digitCount < 10) return;
  for (const m of allMatches(MOBILE, text)) {
    const value = `${m[1]}${m[3]}${m[4]}`;
    const start = m.index!;
    const fields = { type: 'phone', value, masked: mask(m[1]!, 4, m[4]!) } as const;
    out.push({ start, end: start + m[0].length, score: SCORE.phone, fields });
  }
  for (const m of allMatches(LANDLINE, text)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (!m[2] && !nearestCue(scan, CUE_PHONE, start, end)) continue;
    const local = m[3]!;
    const value = `${m[1]}${local}${m[4] ?? ''}`;
    const masked = `${m[1]}-${mask('', local.length - 4, local.slice(-4))}`;
    out.push({ start, end, score: SCORE.landline, fields: { type: 'phone', value, masked } });
  }
  for (const m of allMatches(SERVICE, text)) {
    const start = m.index!;
    const value = `${m[1]}${m[2]}${m[3]}`;
    const masked = mask(m[1]!, 3, m[3]!);
    out.push({
      start,
      end: start + m[0].length,
      score: SCORE.landline,
      fields: { type: 'phone', value, masked },
    });
  }
}
