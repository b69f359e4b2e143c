/**
 * Shared by the order-id and tracking-number extractors: runs of digits long enough to be an
 * identifier, and which identifier the nearest context word makes them.
 */
import { CUE_CARRIER, CUE_ID, CUE_ORDER, CUE_PHONE, CUE_TRACKING, nearestCue } from './cues.ts';
import type { CarrierCode } from './entity.ts';
import type { Scan } from './scan.ts';
import { allMatches } from './text-chars.ts';

/** 6–24 digits not glued to letters, digits or a decimal point. */
const DIGIT_RUN = /(?<![A-Za-z0-9]|\d\.)\d{6,24}(?![A-Za-z0-9]|\.\d)/g;

export function digitRuns(text: string): RegExpExecArray[] {
  return allMatches(DIGIT_RUN, text);
}

export type IdKind = 'order' | 'tracking' | 'phone' | 'none';

const ID_CUES = CUE_ORDER | CUE_ID | CUE_TRACKING | CUE_PHONE;

/** What the closest identifier word says [start, end) is: 订单号 → order, 顺丰/运单号 → tracking. */
export function idKind(scan: Scan, start: number, end: number): IdKind {
  const cue = nearestCue(scan, ID_CUES, start, end);
  if (!cue) return 'none';
  if (cue.cue & CUE_PHONE) return 'phone';
  if (cue.cue & CUE_TRACKING) return 'tracking';
  if (cue.cue & CUE_ORDER) return 'order';
  // A bare 单号 is a waybill when a courier is named nearby, otherwise the shop's order.
  return carrierNear(scan, start, end) ? 'tracking' : 'order';
}

/** The courier named near [start, end), if any. */
export function carrierNear(scan: Scan, start: number, end: number): CarrierCode | undefined {
  return nearestCue(scan, CUE_CARRIER, start, end, 20, 12)?.carrier;
}
