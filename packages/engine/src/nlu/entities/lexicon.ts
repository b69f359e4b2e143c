/**
 * One dictionary for every fixed word list the extractors need (context cues, carriers, colours,
 * places, delivery-point words), so a message is walked once instead of once per list.
 */
import { DictionaryMatcher } from '../dictionary-matcher.ts';
import { colorWords } from './color-words.ts';
import { CARRIER_WORDS, CUE_CARRIER, CUE_TRACKING, CUE_WORDS } from './cues.ts';
import type { CarrierCode } from './entity.ts';
import { type PlaceEntry, placeWords } from './places.ts';

export type LexEntry =
  | { kind: 'cue'; cue: number; carrier?: CarrierCode }
  | { kind: 'color'; value: string }
  | ({ kind: 'place' } & PlaceEntry)
  /** A delivery point that is an address detail on its own: 门卫, 菜鸟驿站, 快递柜. */
  | { kind: 'detail' };

const DETAIL_WORDS =
  '门卫 门卫室 传达室 收发室 驿站 菜鸟驿站 快递驿站 快递柜 丰巢 丰巢柜 前台 物业 物业处'.split(' ');

function* entries(): Generator<[string, LexEntry]> {
  // Earlier lists win a shared surface form, so carriers and cues come first.
  for (const [w, carrier] of CARRIER_WORDS)
    yield [w, { kind: 'cue', cue: CUE_CARRIER | CUE_TRACKING, carrier }];
  for (const [w, cue] of CUE_WORDS) yield [w, { kind: 'cue', cue }];
  for (const w of DETAIL_WORDS) yield [w, { kind: 'detail' }];
  for (const [w, value] of colorWords()) yield [w, { kind: 'color', value }];
  for (const [w, place] of placeWords()) yield [w, { kind: 'place', ...place }];
}

export const LEXICON = new DictionaryMatcher<LexEntry>(entries());
