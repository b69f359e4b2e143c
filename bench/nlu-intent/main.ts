/**
 * nlu-intent: intent accuracy of Kefu vs NLP.js (node-nlp, zh, default settings), both trained on
 * the same training files and scored on the same held-out test files, in the same run:
 *   - builtin: Kefu's e-commerce taxonomy (packages/nlu/data/intents train → test)
 *   - smp2017: SMP2017-ECDT task 1 (train → test), when the datasets folder is present
 * Kefu is scored on its top intent (no out-of-scope threshold), like NLP.js's top intent.
 */
import { parseArgs } from 'node:util';
import { evaluate, type IntentExample, prepareText } from '@kefu/engine';
import { builtinData, defaultSegmenter, runToEnd, trainIntents } from '@kefu/nlu';
import { DATASETS_DIR, datasetPath, readTsv } from '../lib/datasets.ts';
import { trainNlpJs } from '../lib/nlpjs.ts';
import { table } from '../lib/stats.ts';

const TARGETS = { builtin: 0.93, smp2017: 0.92, lead: 0.05 };

interface Suite {
  name: string;
  train: readonly IntentExample[];
  test: readonly IntentExample[];
  target: number;
}

interface Score {
  accuracy: number;
  macroF1: number;
  trainSeconds: number;
}

async function scoreKefu(suite: Suite): Promise<Score> {
  const started = performance.now();
  const { classifier } = runToEnd(trainIntents(suite.train));
  const trainSeconds = (performance.now() - started) / 1000;
  const segmenter = defaultSegmenter();
  const report = evaluate(
    suite.test.map((e) => ({
      text: e.text,
      gold: e.intent,
      predicted: classifier.rank(prepareText(e.text, segmenter).keys)[0]!.label,
    })),
  );
  return { accuracy: report.accuracy, macroF1: report.macroF1, trainSeconds };
}

async function scoreNlpJs(suite: Suite): Promise<Score> {
  const model = await trainNlpJs(suite.train);
  const results = [];
  for (const e of suite.test)
    results.push({ text: e.text, gold: e.intent, predicted: (await model.classify(e.text)).intent });
  const report = evaluate(results);
  return { accuracy: report.accuracy, macroF1: report.macroF1, trainSeconds: model.trainSeconds };
}

function suites(only: string | undefined): Suite[] {
  const list: Suite[] = [];
  const data = builtinData();
  list.push({ name: 'builtin', train: data.train, test: data.test, target: TARGETS.builtin });
  const train = datasetPath('smp2017_ecdt_task1', 'train.tsv');
  const test = datasetPath('smp2017_ecdt_task1', 'test.tsv');
  if (train && test)
    list.push({ name: 'smp2017', train: readTsv(train), test: readTsv(test), target: TARGETS.smp2017 });
  else console.log(`smp2017: skipped, dataset not found under ${DATASETS_DIR} (set KEFU_DATASETS)`);
  return only ? list.filter((s) => s.name === only) : list;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { only: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(
      'npm run bench -- nlu-intent [--only builtin|smp2017] [--check (exit 3 when a target is missed)]',
    );
    return 0;
  }
  const rows: string[][] = [];
  let missed = false;
  for (const suite of suites(values.only)) {
    const kefu = await scoreKefu(suite);
    const peer = await scoreNlpJs(suite);
    const lead = kefu.accuracy - peer.accuracy;
    const ok = kefu.accuracy >= suite.target && lead >= TARGETS.lead;
    missed ||= !ok;
    rows.push(
      [
        suite.name,
        'Kefu',
        pct(kefu.accuracy),
        pct(kefu.macroF1),
        `${kefu.trainSeconds.toFixed(1)} s`,
        `${suite.train.length}/${suite.test.length}`,
        `${ok ? 'met' : 'MISSED'} (≥ ${pct(suite.target)}, lead ${(lead * 100).toFixed(1)} pts)`,
      ],
      [
        suite.name,
        'NLP.js',
        pct(peer.accuracy),
        pct(peer.macroF1),
        `${peer.trainSeconds.toFixed(1)} s`,
        `${suite.train.length}/${suite.test.length}`,
        '',
      ],
    );
  }
  console.log(table(['suite', 'engine', 'accuracy', 'macro-F1', 'train', 'train/test', 'target'], rows));
  return values.check && missed ? 3 : 0;
}
