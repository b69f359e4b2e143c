/**
 * Waybill numbers. Letter-prefixed ones (SF…, JDV…, YT…) are unmistakable; all-digit ones need a courier
 * name or a waybill word nearby, otherwise they are left to the order-id extractor.
 */
import { type Candidate, SCORE } from './candidates.ts';
import type { CarrierCode } from './entity.ts';
import { carrierNear, digitRuns, idKind } from './id-context.ts';
import { HAS_LETTER, type Scan } from './scan.ts';
import { allMatches } from './text-chars.ts';

const PREFIXED =
  /(?<![A-Za-z0-9])(?:(SF)\d{12,15}|(JD)[A-Z]{0,2}\d{10,15}|(YT)\d{10,18}|(JT)\d{10,15}|(DPK)\d{9,15}|(LP)\d{14,18}|[A-Z]{2}\d{9}(CN))(?![A-Za-z0-9])/gi;

const PREFIX_CARRIERS: readonly (CarrierCode | undefined)[] = [
  undefined,
  'SF',
  'JD',
  'YTO',
  'JT',
  'DBL',
  'CAINIAO',
  'EMS', // S10 international format, XX123456789CN
];

/**
 * Couriers' number ranges, for a digit-only waybill named only by 快递单号 with no courier word.
 * Rough on purpose: a wrong hint is worse than none, so only the distinctive ranges are listed.
 */
function guessCarrier(digits: string): CarrierCode | undefined {
  const n = digits.length;
  if (/^(?:77|[2-9]68)/.test(digits) && (n === 12 || n === 13 || n === 15)) return 'STO';
  if (/^7\d/.test(digits) && (n === 12 || n === 14 || n === 15)) return 'ZTO';
  if (/^(?:31|43|46)/.test(digits) && n === 13) return 'YD';
  return undefined;
}

export function extractTrackingNumbers(scan: Scan, out: Candidate[]): void {
  // Every waybill format has at least 9 digits.
  if (scan.digitCount < 9) return;
  const { text } = scan;
  if (scan.flags & HAS_LETTER) {
    for (const m of allMatches(PREFIXED, text)) {
      const start = m.index!;
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      const carrier = PREFIX_CARRIERS[group] ?? carrierNear(scan, start, start + m[0].length);
      const fields = { type: 'tracking_number', value: m[0].toUpperCase(), carrier } as const;
      out.push({ start, end: start + m[0].length, score: SCORE.trackingPrefixed, fields });
    }
  }
  if (scan.digitCount < 10) return;
  for (const m of digitRuns(text)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (m[0].length < 10 || m[0].length > 20 || idKind(scan, start, end) !== 'tracking') continue;
    const carrier = carrierNear(scan, start, end) ?? guessCarrier(m[0]);
    out.push({
      start,
      end,
      score: SCORE.tracking,
      fields: { type: 'tracking_number', value: m[0], carrier },
    });
  }
}
