/**
 * Shop order numbers: long digit runs (shops use 16–19 digits such as 2611180932457781) after an order
 * word or standing alone, letter-prefixed ids after an order word, and the last digits a shopper quotes
 * (订单尾号4521) when the message is about an order.
 */
import { type Candidate, SCORE } from './candidates.ts';
import { CUE_ORDER, hasCue } from './cues.ts';
import { digitRuns, idKind } from './id-context.ts';
import { HAS_LETTER, type Scan } from './scan.ts';
import { allMatches } from './text-chars.ts';

const TAIL = /(?:尾号|后四位|后4位|末四位|末4位|最后四位|最后4位)(?:是|为|:|：)?\s?(\d{4,6})(?!\d)/g;
/** 2611 1809 3245 7781: an id read out in groups. */
const GROUPED = /(?<![\dA-Za-z])\d{2,6}(?: \d{2,6}){2,}(?![\dA-Za-z])/g;
const LETTERED = /(?<![A-Za-z0-9])[A-Za-z]{1,4}\d{8,22}(?![A-Za-z0-9])/g;

export function extractOrderIds(scan: Scan, out: Candidate[]): void {
  // The shortest order reference, a quoted tail (尾号4521), has 4 digits; full ids have 6 or more.
  if (scan.digitCount < 4) return;
  const { text } = scan;
  for (const m of scan.digitCount >= 6 ? digitRuns(text) : []) {
    const start = m.index!;
    const end = start + m[0].length;
    const kind = idKind(scan, start, end);
    if (kind === 'order') {
      out.push({ start, end, score: SCORE.orderWithCue, fields: { type: 'order_id', value: m[0] } });
    } else if (kind === 'none' && m[0].length >= 12 && m[0].length <= 20) {
      out.push({ start, end, score: SCORE.orderStandalone, fields: { type: 'order_id', value: m[0] } });
    }
  }
  if (scan.digitCount >= 12 && text.includes(' ')) {
    for (const m of allMatches(GROUPED, text)) {
      const start = m.index!;
      const end = start + m[0].length;
      const value = m[0].replaceAll(' ', '');
      if (value.length < 12 || value.length > 20 || idKind(scan, start, end) !== 'order') continue;
      out.push({ start, end, score: SCORE.orderWithCue, fields: { type: 'order_id', value } });
    }
  }
  if (hasCue(scan, CUE_ORDER)) {
    for (const m of allMatches(TAIL, text)) {
      const end = m.index! + m[0].length;
      const start = end - m[1]!.length;
      out.push({ start, end, score: SCORE.orderWithCue, fields: { type: 'order_id', value: m[1]! } });
    }
  }
  if (scan.cueBits && scan.flags & HAS_LETTER && scan.digitCount >= 8) {
    for (const m of allMatches(LETTERED, text)) {
      const start = m.index!;
      const end = start + m[0].length;
      if (idKind(scan, start, end) !== 'order') continue;
      const fields = { type: 'order_id', value: m[0].toUpperCase() } as const;
      out.push({ start, end, score: SCORE.orderWithCue - 1, fields });
    }
  }
}
