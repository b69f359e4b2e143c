/**
 * Entity extraction for one shopper message. Each kind has its own extractor proposing scored
 * candidates; overlaps are settled once (candidates.ts), so a digit run is a tracking number, an order
 * id, a phone or an amount depending on its shape and the words around it.
 */
import type { DictionaryMatcher } from '../dictionary-matcher.ts';
import { extractAddresses } from './address.ts';
import { extractAmounts } from './amount.ts';
import { type Candidate, resolveOverlaps } from './candidates.ts';
import { extractColors } from './color.ts';
import { extractDatetimes } from './datetime.ts';
import type { Entity, EntityContext, ProductRef } from './entity.ts';
import { extractOrderIds } from './order-id.ts';
import { extractPhones } from './phone.ts';
import { extractProducts } from './product.ts';
import { extractQuantities } from './quantity.ts';
import { scanText } from './scan.ts';
import { extractSizes } from './size.ts';
import { extractTrackingNumbers } from './tracking-number.ts';

export type { CarrierCode, Entity, EntityContext, EntityType, ProductRef } from './entity.ts';
export { buildProductMatcher } from './product.ts';

/**
 * Entities in `text`, sorted by start, non-overlapping. `text` is the caller's normalised message
 * (half-width ASCII, simplified Chinese, collapsed whitespace); offsets index into it.
 * @example
 * extractEntities('SF1402837465821到哪了', { now: Date.UTC(2026, 10, 22, 4), timezoneOffsetMinutes: 480 })
 * // [{ type: 'tracking_number', value: 'SF1402837465821', carrier: 'SF', start: 0, end: 15, text: 'SF1402837465821' }]
 */
export function extractEntities(
  text: string,
  ctx: EntityContext,
  products?: DictionaryMatcher<ProductRef>,
): Entity[] {
  if (text.length === 0) return [];
  const scan = scanText(text, ctx);
  const out: Candidate[] = [];
  extractTrackingNumbers(scan, out);
  extractOrderIds(scan, out);
  extractPhones(scan, out);
  extractAmounts(scan, out);
  extractQuantities(scan, out);
  extractDatetimes(scan, out);
  extractSizes(scan, out);
  extractColors(scan, out);
  extractAddresses(scan, out);
  if (products) extractProducts(text, products, out);
  return out.length === 0 ? [] : resolveOverlaps(text, out);
}
