import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '@kefu/contracts';
import { type EvaluationReport, evaluate, NluEngine, parseExamples } from '@kefu/engine';
import {
  builtinData,
  builtinIntentModel,
  defaultSegmenter,
  polarityModel,
  runToEnd,
  TrainingRefused,
  trainIntents,
  writeBuiltinCache,
} from '@kefu/nlu';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { formatEvaluation } from './nlu-format.ts';

/** Default top-intent confidence below which a message is out_of_scope. */
export const DEFAULT_THRESHOLD = 0.35;
const CHINA_UTC_OFFSET_MINUTES = 480;

/** Where the CLI caches the built-in model; the same place the server keeps its data. */
const cacheDir = () => path.resolve(process.env.KEFU_DATA_DIR ?? './data');

function withProgressBar<T>(label: string, work: (progress: (p: number) => void) => T): T {
  if (!process.stderr.isTTY) return work(() => {});
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}%`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(100, 0);
  try {
    return work((p) => bar.update(Math.round(p * 100)));
  } finally {
    bar.stop();
  }
}

function builtinEngine(threshold: number): NluEngine {
  const { classifier } = withProgressBar('training the built-in model', (progress) =>
    builtinIntentModel(cacheDir(), progress),
  );
  return new NluEngine({
    intents: classifier,
    polarity: polarityModel(),
    segmenter: defaultSegmenter(),
    threshold,
  });
}

const parseThreshold = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`must be a number from 0 to 1, got "${value}"`);
  return n;
};

export function registerNluCommands(program: Command): void {
  const nlu = program
    .command('nlu')
    .description('train, evaluate and try the intent, entity and emotion models');

  nlu
    .command('train')
    .description(
      'check the built-in training data and train the built-in model (cached in KEFU_DATA_DIR/nlu)',
    )
    .option('--json', 'print the training report as JSON')
    .action((opts: { json?: boolean }) => {
      const data = builtinData();
      if (data.problems.length > 0) {
        throw new Error(
          `training files have problems:\n${data.problems.map((p) => `  ${p.source}: ${p.problem}`).join('\n')}`,
        );
      }
      const started = performance.now();
      try {
        const { classifier, report } = withProgressBar('training', (progress) =>
          runToEnd(trainIntents(data.train), progress),
        );
        const seconds = (performance.now() - started) / 1000;
        // Cache what was just trained so predict, eval and the server start from it.
        writeBuiltinCache(cacheDir(), classifier);
        const summary = {
          intents: report.intents.length,
          examples: report.usable.length,
          warnings: report.warnings,
          seconds: Math.round(seconds * 100) / 100,
          temperature: classifier.temperature,
        };
        if (opts.json) console.log(JSON.stringify(summary));
        else {
          for (const w of report.warnings) console.log(`warning: ${w}`);
          console.log(
            `trained ${summary.intents} intents on ${summary.examples} examples in ${summary.seconds} s (confidence temperature ${classifier.temperature.toFixed(2)})`,
          );
        }
      } catch (err) {
        if (err instanceof TrainingRefused)
          throw new AppError('invalid', 'nlu.training_refused', err.message);
        throw err;
      }
    });

  nlu
    .command('eval')
    .description('evaluate on the built-in held-out test set, or on your own files (same "## intent" format)')
    .option('--json', 'print the report as JSON')
    .option('--test <files...>', 'test files to evaluate on instead of the built-in test set')
    .action((opts: { json?: boolean; test?: string[] }) => {
      const engine = builtinEngine(0);
      const examples = opts.test
        ? opts.test.flatMap((file) => {
            if (!existsSync(file))
              throw new AppError('not_found', 'nlu.test_file_missing', `no such test file: ${file}`);
            const parsed = parseExamples(readFileSync(file, 'utf8'), file);
            if (parsed.problems.length > 0) {
              throw new AppError(
                'invalid',
                'nlu.bad_test_file',
                parsed.problems.map((p) => `${p.source}: ${p.problem}`).join('\n'),
              );
            }
            return parsed.examples;
          })
        : builtinData().test;
      if (examples.length === 0) {
        throw new AppError(
          'invalid',
          'nlu.no_test_examples',
          'no test examples found (lines under "## <intent id>")',
        );
      }
      const context = { now: Date.now(), timezoneOffsetMinutes: CHINA_UTC_OFFSET_MINUTES };
      const report: EvaluationReport = evaluate(
        examples.map((e) => ({
          text: e.text,
          gold: e.intent,
          predicted: engine.analyse(e.text, context).intent,
        })),
      );
      console.log(opts.json ? JSON.stringify(report) : formatEvaluation(report));
    });

  nlu
    .command('predict')
    .description('read one message per line on stdin, print what Kefu understood of each')
    .option(
      '--json',
      'one JSON object per line: {"text","intent","confidence","ranking","entities","emotion","polarity","negativity"}',
    )
    .option(
      '--threshold <n>',
      'top-intent confidence below which the answer is out_of_scope',
      parseThreshold,
      DEFAULT_THRESHOLD,
    )
    .action(async (opts: { json?: boolean; threshold: number }) => {
      const engine = builtinEngine(opts.threshold);
      const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        const result = engine.analyse(line, {
          now: Date.now(),
          timezoneOffsetMinutes: CHINA_UTC_OFFSET_MINUTES,
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          const entities = result.entities.map((e) => `${e.type}=${String(e.value)}`).join(' ');
          process.stdout.write(
            `${result.intent} ${result.confidence.toFixed(2)}  ${result.emotion}/${result.polarity} ${result.negativity.toFixed(2)}  ${entities}\t${line}\n`,
          );
        }
      }
    });
}
