/**
 * The shop's products, matched with the shop's own dictionary so that names such as "iPhone 15 Pro" or
 * "雾霾蓝卫衣" stay single entities instead of being read as a number, a colour and a garment.
 */
import { DictionaryMatcher } from '../dictionary-matcher.ts';
import { type Candidate, SCORE } from './candidates.ts';
import type { ProductRef } from './entity.ts';

/**
 * Builds the matcher `extractEntities` takes, from every name and alias of every product. When two
 * products share a name the first listed keeps it.
 * @example buildProductMatcher([{ id: 'p1', names: ['iPhone 15 Pro', '苹果15pro'] }])
 */
export function buildProductMatcher(products: Iterable<ProductRef>): DictionaryMatcher<ProductRef> {
  const entries: [string, ProductRef][] = [];
  for (const p of products) for (const name of p.names) entries.push([name, p]);
  return new DictionaryMatcher(entries);
}

export function extractProducts(
  text: string,
  products: DictionaryMatcher<ProductRef>,
  out: Candidate[],
): void {
  for (const m of products.findAll(text)) {
    const p = m.payload;
    const fields = { type: 'product', value: p.id, name: p.names[0] ?? p.id } as const;
    out.push({ start: m.start, end: m.end, score: SCORE.product, fields });
  }
}
