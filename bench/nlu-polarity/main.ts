/**
 * nlu-polarity: review polarity on online_shopping_10_cats test.csv (12,552 reviews, 10
 * categories), scored as positive vs not-positive, in one run for:
 *   - the committed model (packages/nlu/data/models/polarity.zh.json), on its own decision;
 *   - analyseEmotion, the engine's full emotion call (model + cues), which may say neutral;
 *   - the cue lexicons alone (analyseEmotion's combination with the model's vote left out);
 *   - NLP.js's SentimentAnalyzer (node-nlp, locale zh), the peer;
 *   - the majority class of train.csv.
 * The model never saw test.csv: it was trained and tuned on train.csv only (see
 * packages/nlu/data/models/README.md). Skips cleanly when the dataset folder is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  analyseEmotion,
  combineEmotion,
  decodeClassifier,
  normalise,
  type Polarity,
  prepareText,
  TextClassifier,
} from '@kefu/engine';
import {
  DATASET_NAME,
  datasetsDir,
  jiebaSegmenter,
  POLARITY_MODEL_PATH,
  type Review,
  readReviews,
  shoppingReviewsDir,
} from '../../packages/nlu/scripts/polarity-data.ts';
import { fmtInt, table } from '../lib/stats.ts';

const TARGET_ACCURACY = 0.92;

const HELP = `npm run bench -- nlu-polarity [flags]

Polarity accuracy of the committed review model on ${DATASET_NAME}/test.csv, beside the
full analyseEmotion, the cue lexicons alone, NLP.js (zh) and the majority class.
Dataset folder: KEFU_DATASETS (default ../shared/datasets).

Flags:
  --limit N     score only the first N test reviews (quick runs)
  --no-peer     leave NLP.js out
  --json FILE   also write the results as JSON
  --check       exit 3 when the model's accuracy is below ${TARGET_ACCURACY * 100}%
`;

/** What one system said about one review: a polarity (the model alone never says neutral). */
type Verdict = Polarity;

interface SystemResult {
  name: string;
  verdicts: Verdict[];
  /** Wall time of the whole system per review, segmentation included where it needs it. */
  msPerReview: number;
  note: string;
}

interface Metrics {
  n: number;
  accuracy: number;
  macroF1: number;
  neutral: number;
  /** Accuracy on the reviews it did not call neutral (positive vs negative). */
  decidedAccuracy: number;
}

/** Positive vs not-positive: neutral counts as not-positive. */
function metrics(verdicts: readonly Verdict[], reviews: readonly Review[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let neutral = 0;
  let decidedRight = 0;
  reviews.forEach((r, i) => {
    const verdict = verdicts[i]!;
    const said = verdict === 'positive';
    const gold = r.label === 1;
    if (said && gold) tp++;
    else if (said) fp++;
    else if (gold) fn++;
    else tn++;
    if (verdict === 'neutral') neutral++;
    else if (said === gold) decidedRight++;
  });
  const f1 = (hit: number, falseAlarm: number, miss: number) =>
    hit === 0 ? 0 : (2 * hit) / (2 * hit + falseAlarm + miss);
  const n = reviews.length;
  return {
    n,
    accuracy: (tp + tn) / n,
    macroF1: (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2,
    neutral,
    decidedAccuracy: n === neutral ? Number.NaN : decidedRight / (n - neutral),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '—');
const ms = (x: number) => (x < 0.01 ? `${(x * 1000).toFixed(1)} µs` : `${x.toFixed(3)} ms`);

interface Peer {
  getSentiment(text: string, locale: string): Promise<{ vote: string }>;
}

async function loadNlpJs(): Promise<Peer | string> {
  try {
    const mod = (await import('node-nlp')) as unknown as {
      default?: { SentimentAnalyzer: new (settings: object) => Peer };
      SentimentAnalyzer?: new (settings: object) => Peer;
    };
    const Analyzer = mod.SentimentAnalyzer ?? mod.default?.SentimentAnalyzer;
    if (!Analyzer) return 'node-nlp has no SentimentAnalyzer';
    return new Analyzer({ language: 'zh' });
  } catch (err) {
    return `node-nlp not loadable: ${(err as Error).message}`;
  }
}

export async function run(args: string[]): Promise<number> {
  let values: { limit?: string; 'no-peer'?: boolean; json?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        limit: { type: 'string' },
        'no-peer': { type: 'boolean' },
        json: { type: 'string' },
        check: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 1;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (!(limit > 0)) {
    console.error(`--limit must be a positive number, got "${values.limit}"\n\n${HELP}`);
    return 1;
  }

  const dir = shoppingReviewsDir();
  if (!dir) {
    console.log(
      `nlu-polarity skipped: dataset not found at ${path.join(datasetsDir(), DATASET_NAME)}, set KEFU_DATASETS`,
    );
    return 0;
  }
  if (!existsSync(POLARITY_MODEL_PATH)) {
    console.error(`no model at ${POLARITY_MODEL_PATH}: run npx tsx packages/nlu/scripts/train-polarity.ts`);
    return 1;
  }

  const model = TextClassifier.restore(
    decodeClassifier(JSON.parse(readFileSync(POLARITY_MODEL_PATH, 'utf8'))),
  );
  const segmenter = jiebaSegmenter();
  const train = readReviews(path.join(dir, 'train.csv'));
  const reviews = readReviews(path.join(dir, 'test.csv')).slice(0, limit);
  const seenInTrain = new Set(train.map((r) => r.review));
  const overlap = reviews.filter((r) => seenInTrain.has(r.review)).length;
  const trainPositive = train.filter((r) => r.label === 1).length;
  const majority: Verdict = trainPositive * 2 >= train.length ? 'positive' : 'negative';
  console.log(
    `nlu-polarity: ${fmtInt(reviews.length)} test reviews (${overlap} also in train.csv), ` +
      `model ${path.relative(process.cwd(), POLARITY_MODEL_PATH)} (${fmtInt(model.snapshot().keys.length)} features)`,
  );

  // Each system runs over all reviews in its own loop, so its time per review is its own.
  const time = <T>(f: () => T): [T, number] => {
    const started = performance.now();
    const value = f();
    return [value, (performance.now() - started) / reviews.length];
  };
  for (const r of reviews.slice(0, 200)) analyseEmotion(prepareText(r.review, segmenter), model); // warm-up
  const [prepared, prepareMs] = time(() => reviews.map((r) => prepareText(r.review, segmenter)));
  const [modelVerdicts, modelMs] = time(() =>
    prepared.map((p): Verdict => (model.rank(p.keys)[0]!.label === 'positive' ? 'positive' : 'negative')),
  );
  const [fullVerdicts, fullMs] = time(() => prepared.map((p) => analyseEmotion(p, model).polarity));
  const [cueVerdicts, cueMs] = time(() =>
    reviews.map((r) => combineEmotion(normalise(r.review).text, 0.5).polarity),
  );

  const systems: SystemResult[] = [
    {
      name: 'Kefu polarity model',
      verdicts: modelVerdicts,
      msPerReview: prepareMs + modelMs,
      note: 'its own decision (P(positive) ≥ 0.5)',
    },
    {
      name: 'Kefu analyseEmotion',
      verdicts: fullVerdicts,
      msPerReview: prepareMs + fullMs,
      note: 'model + cues; neutral counts as not-positive',
    },
    {
      name: 'cue lexicons only',
      verdicts: cueVerdicts,
      msPerReview: cueMs,
      note: 'no model; neutral = not-positive',
    },
  ];
  if (!values['no-peer']) {
    const peer = await loadNlpJs();
    if (typeof peer === 'string') console.log(`NLP.js left out: ${peer}`);
    else {
      const started = performance.now();
      const verdicts: Verdict[] = [];
      for (const r of reviews) {
        const vote = (await peer.getSentiment(r.review, 'zh')).vote;
        verdicts.push(vote === 'positive' || vote === 'negative' ? vote : 'neutral');
      }
      const peerMs = (performance.now() - started) / reviews.length;
      systems.push({
        name: 'NLP.js SentimentAnalyzer zh',
        verdicts,
        msPerReview: peerMs,
        note: 'node-nlp, default settings',
      });
    }
  }
  systems.push({
    name: `majority class (${majority})`,
    verdicts: reviews.map(() => majority),
    msPerReview: 0,
    note: 'of train.csv',
  });

  const scored = systems.map((s) => ({ ...s, metrics: metrics(s.verdicts, reviews) }));
  console.log(
    `\n${table(
      ['system', 'accuracy', 'macro-F1', 'n', 'neutral', 'acc. when decided', 'per review', 'note'],
      scored.map((s) => [
        s.name,
        pct(s.metrics.accuracy),
        pct(s.metrics.macroF1),
        fmtInt(s.metrics.n),
        fmtInt(s.metrics.neutral),
        pct(s.metrics.decidedAccuracy),
        ms(s.msPerReview),
        s.note,
      ]),
    )}`,
  );
  console.log(
    `\nper review: segmentation + features ${ms(prepareMs)}, model rank ${ms(modelMs)}, ` +
      `analyseEmotion ${ms(fullMs)} (its rank included)`,
  );

  const cats = [...new Set(reviews.map((r) => r.cat))].sort();
  const catRows = cats.map((cat) => {
    const idx = reviews.flatMap((r, i) => (r.cat === cat ? [i] : []));
    const slice = idx.map((i) => reviews[i]!);
    const of = (s: SystemResult) =>
      metrics(
        idx.map((i) => s.verdicts[i]!),
        slice,
      );
    const full = of(systems[1]!);
    return [
      cat,
      fmtInt(slice.length),
      pct(slice.filter((r) => r.label === 1).length / slice.length),
      pct(of(systems[0]!).accuracy),
      pct(full.accuracy),
      pct(full.neutral / slice.length),
      pct(full.decidedAccuracy),
      pct(of(systems[2]!).accuracy),
    ];
  });
  console.log(
    `\nper category:\n${table(
      [
        'category',
        'n',
        'positive',
        'model',
        'analyseEmotion',
        'its neutral',
        'its acc. decided',
        'cues only',
      ],
      catRows,
    )}`,
  );

  const modelAccuracy = scored[0]!.metrics.accuracy;
  const met = modelAccuracy >= TARGET_ACCURACY;
  console.log(
    `\ntarget: model accuracy ≥ ${pct(TARGET_ACCURACY)}: ${met ? 'met' : 'MISSED'} (${pct(modelAccuracy)})`,
  );
  if (values.json) {
    const json = {
      dataset: DATASET_NAME,
      reviews: reviews.length,
      overlapWithTrain: overlap,
      systems: scored.map((s) => ({ name: s.name, note: s.note, msPerReview: s.msPerReview, ...s.metrics })),
      categories: catRows,
    };
    writeFileSync(values.json, `${JSON.stringify(json, null, 2)}\n`);
  }
  return values.check && !met ? 3 : 0;
}
