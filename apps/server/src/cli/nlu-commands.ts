import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '@kefu/contracts';
import { evaluate, type IntentExample, NluEngine, parseExamples } from '@kefu/engine';
import {
  builtinData,
  builtinIntentModel,
  DEFAULT_THRESHOLD,
  defaultSegmenter,
  polarityModel,
  runToEnd,
  TrainingRefused,
  trainIntents,
  writeBuiltinCache,
} from '@kefu/nlu';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import type { Services } from '../services.ts';
import { formatEvaluation } from './nlu-format.ts';
import { withServices } from './with-services.ts';

const CHINA_UTC_OFFSET_MINUTES = 480;

/** Where the CLI caches the built-in model: the same place the server does. */
const cacheDir = () => path.resolve(process.env.KEFU_NLU_CACHE_DIR ?? process.env.KEFU_DATA_DIR ?? './data');

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

const parseThreshold = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`must be a number from 0 to 1, got "${value}"`);
  return n;
};

/** Reads a file of "## <intent id>" sections; any problem stops the command with file:line. */
function readExamplesFile(file: string): IntentExample[] {
  if (!existsSync(file)) throw new AppError('not_found', 'nlu.file_missing', `no such file: ${file}`);
  const parsed = parseExamples(readFileSync(file, 'utf8'), file);
  if (parsed.problems.length > 0) {
    throw new AppError(
      'invalid',
      'nlu.bad_examples_file',
      parsed.problems.map((p) => `${p.source}: ${p.problem}`).join('\n'),
    );
  }
  return parsed.examples;
}

/** The built-in model, or with --tenant that shop's active model; --threshold overrides. */
async function engineFor(services: Services | undefined, tenant: string | undefined, threshold?: number) {
  if (services && tenant) {
    const t = await services.tenants.find(tenant);
    const engine = await services.nlu.engineFor(t.id);
    return threshold === undefined ? engine : new NluEngine({ ...engine.parts, threshold });
  }
  const { classifier } = withProgressBar('training the built-in model', (p) =>
    builtinIntentModel(cacheDir(), p),
  );
  return new NluEngine({
    intents: classifier,
    polarity: polarityModel(),
    segmenter: defaultSegmenter(),
    threshold: threshold ?? DEFAULT_THRESHOLD,
  });
}

/** Runs with the store open only when a tenant is named: the built-in model needs no configuration. */
function maybeWithServices<T>(
  tenant: string | undefined,
  fn: (services?: Services) => Promise<T>,
): Promise<T> {
  return tenant ? withServices((s) => fn(s)) : fn(undefined);
}

function trainBuiltin(examples: readonly IntentExample[]) {
  try {
    return withProgressBar('training', (progress) => runToEnd(trainIntents(examples), progress));
  } catch (err) {
    if (err instanceof TrainingRefused) throw new AppError('invalid', 'nlu.training_refused', err.message);
    throw err;
  }
}

const context = () => ({ now: Date.now(), timezoneOffsetMinutes: CHINA_UTC_OFFSET_MINUTES });

export function registerNluCommands(program: Command): void {
  const nlu = program
    .command('nlu')
    .description('train, evaluate and try the intent, entity and emotion models');

  nlu
    .command('train')
    .description(
      "train the built-in model from the shipped data, or with --tenant a new version of that shop's model",
    )
    .option('--tenant <name>', "train this shop's model (built-in + its own examples) and make it active")
    .option('--json', 'print the result as JSON')
    .action(async (opts: { tenant?: string; json?: boolean }) => {
      if (opts.tenant) {
        const tenant = opts.tenant;
        await withServices(async (s) => {
          const t = await s.tenants.find(tenant);
          const model = await s.nlu.train(t.id, null);
          if (opts.json) console.log(JSON.stringify(model));
          else {
            for (const w of model.warnings) console.log(`warning: ${w}`);
            console.log(
              `trained model v${model.version} for ${t.name}: ${model.intents} intents, ${model.examples} examples in ${model.trainingSeconds} s; it is active (running servers switch within seconds)`,
            );
          }
        });
        return;
      }
      const data = builtinData();
      if (data.problems.length > 0) {
        const list = data.problems.map((p) => `  ${p.source}: ${p.problem}`).join('\n');
        throw new AppError('invalid', 'nlu.bad_examples_file', `training files have problems:\n${list}`);
      }
      const started = performance.now();
      const { classifier, report } = trainBuiltin(data.train);
      writeBuiltinCache(cacheDir(), classifier);
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      const summary = {
        intents: report.intents.length,
        examples: report.usable.length,
        warnings: report.warnings,
        seconds,
      };
      if (opts.json) console.log(JSON.stringify(summary));
      else {
        for (const w of report.warnings) console.log(`warning: ${w}`);
        console.log(`trained ${summary.intents} intents on ${summary.examples} examples in ${seconds} s`);
      }
    });

  nlu
    .command('import')
    .description(
      'add the examples of a "## <intent id>" file to a shop (new intent ids become shop intents); all or nothing',
    )
    .argument(
      '<file>',
      'UTF-8 text: a line "## <intent id>" starts an intent, every other line is one example',
    )
    .option('--tenant <name>', 'tenant name or id', 'Kefu 演示旗舰店')
    .action(async (file: string, opts: { tenant: string }) => {
      const examples = readExamplesFile(file);
      if (examples.length === 0) throw new AppError('invalid', 'nlu.no_examples', `${file} has no examples`);
      await withServices(async (s) => {
        const t = await s.tenants.find(opts.tenant);
        const added = await s.nlu.importExamples(t.id, null, examples, { createIntents: true });
        const intents = new Set(added.map((e) => e.intent)).size;
        console.log(
          `added ${added.length} examples to ${intents} intents of ${t.name}; run \`kefu nlu train --tenant\` to use them`,
        );
      });
    });

  nlu
    .command('eval')
    .description('evaluate on the built-in held-out test set, or on your own files (same "## intent" format)')
    .option('--json', 'print the report as JSON')
    .option('--test <files...>', 'test files to evaluate on instead of the built-in test set')
    .option('--tenant <name>', "evaluate that shop's active model instead of the built-in one")
    .action(async (opts: { json?: boolean; test?: string[]; tenant?: string }) => {
      const examples = opts.test ? opts.test.flatMap(readExamplesFile) : builtinData().test;
      if (examples.length === 0) {
        throw new AppError(
          'invalid',
          'nlu.no_examples',
          'no test examples found (lines under "## <intent id>")',
        );
      }
      await maybeWithServices(opts.tenant, async (s) => {
        // Top intent as is (threshold 0): the report measures the classifier, not the fallback.
        const engine = await engineFor(s, opts.tenant, 0);
        const report = evaluate(
          examples.map((e) => ({
            text: e.text,
            gold: e.intent,
            predicted: engine.analyse(e.text, context()).intent,
          })),
        );
        console.log(opts.json ? JSON.stringify(report) : formatEvaluation(report));
      });
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
      `top-intent confidence below which the answer is out_of_scope (default ${DEFAULT_THRESHOLD})`,
      parseThreshold,
    )
    .option('--tenant <name>', "use that shop's active model and threshold instead of the built-in model")
    .action(async (opts: { json?: boolean; threshold?: number; tenant?: string }) => {
      await maybeWithServices(opts.tenant, async (s) => {
        const engine = await engineFor(s, opts.tenant, opts.threshold);
        const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of lines) {
          const result = engine.analyse(line, context());
          if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            const entities = result.entities.map((e) => `${e.type}=${String(e.value)}`).join(' ');
            process.stdout.write(
              `${result.intent} ${result.confidence.toFixed(2)}  ${result.emotion}/${result.polarity} ${result.negativity.toFixed(2)}  ${entities}\t${line}\n`,
            );
          }
        }
      });
    });
}
