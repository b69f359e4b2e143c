/** Colours, found by the shared lexicon pass (see color-words.ts for the vocabulary). */
import { type Candidate, SCORE } from './candidates.ts';
import type { Scan } from './scan.ts';

export function extractColors(scan: Scan, out: Candidate[]): void {
  for (const c of scan.colors) {
    out.push({ start: c.start, end: c.end, score: SCORE.color, fields: { type: 'color', value: c.value } });
  }
}
