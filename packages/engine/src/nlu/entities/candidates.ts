/**
 * Extractors propose candidates with a score; overlaps are settled once at the end, highest score
 * first, so each extractor can stay ignorant of the others. Scores encode the priority rules: a
 * tracking number beats an order id beats a phone beats an amount or quantity over the same digits.
 */
import type { Entity } from './entity.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An entity without its position: what an extractor decides. */
export type EntityFields = DistributiveOmit<Entity, 'start' | 'end' | 'text'>;

export interface Candidate {
  start: number;
  end: number;
  score: number;
  /** Must be a new object per candidate: it is completed into the returned entity. */
  fields: EntityFields;
}

export const SCORE = {
  trackingPrefixed: 92,
  tracking: 90,
  orderWithCue: 85,
  phone: 75,
  landline: 72,
  amountExplicit: 70,
  product: 66,
  dateTime: 64,
  date: 62,
  week: 60,
  festival: 60,
  orderStandalone: 60,
  month: 58,
  sizeHeight: 58,
  sizeNumber: 57,
  time: 56,
  sizeLetter: 55,
  sizeByContext: 52,
  amountByContext: 50,
  /** Above quantity: 3栋2单元 holds numbers that are not counts. */
  addressDetail: 49,
  quantity: 48,
  numericDate: 45,
  place: 42,
  color: 38,
  dayOfMonth: 30,
  bareDecimal: 20,
} as const;

/**
 * Keeps the best non-overlapping candidates (score, then length, then position) and returns them as
 * entities in text order.
 */
export function resolveOverlaps(text: string, candidates: Candidate[]): Entity[] {
  candidates.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  // Long inputs can yield thousands of candidates: past a handful, track covered characters instead of
  // comparing every pair.
  const covered = candidates.length > 24 ? new Uint8Array(text.length) : undefined;
  for (const c of candidates) {
    if (covered) {
      let free = true;
      for (let i = c.start; i < c.end && free; i++) free = covered[i] === 0;
      if (!free) continue;
      covered.fill(1, c.start, c.end);
    } else if (kept.some((k) => k.start < c.end && c.start < k.end)) {
      continue;
    }
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map((c) => toEntity(text, c));
}

/**
 * One object literal per kind: entities then share a few fixed shapes, which keeps this and the
 * engine's later stages fast (a generic spread here cost more than all the extractors together).
 */
function toEntity(text: string, c: Candidate): Entity {
  const { start, end } = c;
  const surface = text.slice(start, end);
  const f = c.fields;
  switch (f.type) {
    case 'order_id':
    case 'color':
    case 'size':
      return { type: f.type, value: f.value, start, end, text: surface };
    case 'tracking_number':
      return f.carrier
        ? { type: f.type, value: f.value, carrier: f.carrier, start, end, text: surface }
        : { type: f.type, value: f.value, start, end, text: surface };
    case 'phone':
      return { type: f.type, value: f.value, masked: f.masked, start, end, text: surface };
    case 'amount':
      return { type: f.type, value: f.value, currency: f.currency, start, end, text: surface };
    case 'quantity':
      return { type: f.type, value: f.value, unit: f.unit, start, end, text: surface };
    case 'datetime':
      return f.rangeEnd
        ? { type: f.type, value: f.value, grain: f.grain, rangeEnd: f.rangeEnd, start, end, text: surface }
        : { type: f.type, value: f.value, grain: f.grain, start, end, text: surface };
    case 'product':
      return { type: f.type, value: f.value, name: f.name, start, end, text: surface };
    case 'address':
      return { type: f.type, value: f.value, level: f.level, start, end, text: surface };
  }
}
