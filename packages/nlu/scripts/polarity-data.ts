/**
 * The online_shopping_10_cats review set (SophonPlus/ChineseNlpCorpus) as the polarity model's
 * training script and the nlu-polarity bench read it: where it lives, a proper CSV parse, and the
 * held-out slice of train.csv that settings are tuned on (the test split is for reporting only).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WordSegmenter } from '@kefu/engine';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const POLARITY_MODEL_PATH = path.join(REPO_ROOT, 'packages/nlu/data/models/polarity.zh.json');
export const DATASET_NAME = 'online_shopping_10_cats';

/** KEFU_DATASETS, or ../shared/datasets beside the repository (as bench/lib/datasets.ts). */
export function datasetsDir(): string {
  return path.resolve(process.env.KEFU_DATASETS ?? path.join(REPO_ROOT, '../shared/datasets'));
}

/** The dataset folder, or undefined when it (or one of its splits) is missing. */
export function shoppingReviewsDir(): string | undefined {
  const dir = path.join(datasetsDir(), DATASET_NAME);
  return existsSync(path.join(dir, 'train.csv')) && existsSync(path.join(dir, 'test.csv')) ? dir : undefined;
}

export interface Review {
  cat: string;
  /** 1 = positive, 0 = negative, as in the source. */
  label: 0 | 1;
  review: string;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows of one split file; throws on a header or label it does not expect. */
export function readReviews(file: string): Review[] {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (header?.join(',') !== 'cat,label,review') {
    throw new Error(`${file}: expected the header cat,label,review, found ${JSON.stringify(header)}`);
  }
  return rows
    .filter((r) => r.length > 1 || r[0] !== '')
    .map((r, n) => {
      const [cat, label, review] = r;
      if (r.length !== 3 || (label !== '0' && label !== '1')) {
        throw new Error(
          `${file}: record ${n + 2} is not cat,label(0|1),review: ${JSON.stringify(r).slice(0, 200)}`,
        );
      }
      return { cat: cat!, label: label === '1' ? 1 : 0, review: review! };
    });
}

/** FNV-1a, 32 bits: a stable hash so the held-out slice is the same on every machine. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * About one review in `parts` of train.csv, chosen by a hash of the review text, so a review that
 * occurs twice never sits on both sides, and the slice follows the category/label mix.
 */
export function isHeldOut(review: Review, parts = 10): boolean {
  return fnv1a(`kefu-polarity:${review.review}`) % parts === 0;
}

export function jiebaSegmenter(): WordSegmenter {
  const jieba = Jieba.withDict(dict);
  return { cut: (text) => jieba.cut(text, true) };
}
