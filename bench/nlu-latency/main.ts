/**
 * nlu-latency: the full NLU call on one core — normalise + tokenise + intent + entities + emotion
 * (Kefu's NluEngine.analyse) vs NLP.js's NlpManager.process() — over the built-in test utterances,
 * both trained on the built-in training files, in the same run. Each call is timed on its own;
 * utterances/s is calls over the summed call time of a single thread.
 */
import { parseArgs } from 'node:util';
import { NluEngine } from '@kefu/engine';
import { builtinData, builtinIntentModel, defaultSegmenter, polarityModel } from '@kefu/nlu';
import { trainNlpJs } from '../lib/nlpjs.ts';
import { median, summarize, table } from '../lib/stats.ts';

const TARGET_P99_US = 200;
const TARGET_PER_S = 20_000;

async function measure(
  texts: readonly string[],
  rounds: number,
  call: (text: string) => unknown | Promise<unknown>,
) {
  for (const text of texts) await call(text); // warm-up: JIT, caches
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const started = process.hrtime.bigint();
      const result = call(text);
      if (result instanceof Promise) await result;
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  const total = samples.reduce((a, b) => a + b, 0);
  return { ...summarize(samples), perSecond: samples.length / (total / 1e6) };
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      check: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(
      'npm run bench -- nlu-latency [--rounds N (passes over the test set, default 20)] [--runs N (default 3; medians)] [--check]',
    );
    return 0;
  }
  const data = builtinData();
  const texts = data.test.map((e) => e.text);
  const engine = new NluEngine({
    intents: builtinIntentModel(undefined).classifier,
    polarity: polarityModel(),
    segmenter: defaultSegmenter(),
    threshold: 0.35,
  });
  const context = { now: Date.UTC(2026, 10, 22, 4), timezoneOffsetMinutes: 480 };
  const peer = await trainNlpJs(data.train);
  const rounds = Number(values.rounds);
  const kefuRuns: Awaited<ReturnType<typeof measure>>[] = [];
  const peerRuns: Awaited<ReturnType<typeof measure>>[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    kefuRuns.push(await measure(texts, rounds, (t) => engine.analyse(t, context)));
    peerRuns.push(await measure(texts, Math.max(1, Math.round(rounds / 10)), (t) => peer.classify(t)));
  }
  const row = (name: string, runs: typeof kefuRuns) => [
    name,
    median(runs.map((r) => r.p50)).toFixed(1),
    median(runs.map((r) => r.p99)).toFixed(1),
    Math.round(median(runs.map((r) => r.perSecond))).toLocaleString('en-US'),
    runs[0]!.count.toLocaleString('en-US'),
  ];
  console.log(`${texts.length} built-in test utterances; medians of ${values.runs} runs\n`);
  console.log(
    table(
      ['engine', 'p50 µs', 'p99 µs', 'utterances/s (1 core)', 'calls/run'],
      [row('Kefu analyse()', kefuRuns), row('NLP.js process()', peerRuns)],
    ),
  );
  const p99 = median(kefuRuns.map((r) => r.p99));
  const perSecond = median(kefuRuns.map((r) => r.perSecond));
  const ratio = perSecond / median(peerRuns.map((r) => r.perSecond));
  const met = p99 <= TARGET_P99_US && perSecond >= TARGET_PER_S;
  console.log(
    `\nKefu ${ratio.toFixed(1)}× NLP.js throughput; targets p99 ≤ ${TARGET_P99_US} µs and ≥ ${TARGET_PER_S.toLocaleString('en-US')}/s: ${met ? 'met' : 'MISSED'}`,
  );
  return values.check && !met ? 3 : 0;
}
