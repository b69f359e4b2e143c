import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type TextClassifier as Classifier,
  checkTrainingSet,
  decodeClassifier,
  FEATURES_VERSION,
  type IntentExample,
  prepareText,
  TextClassifier,
  type TrainingReport,
  type VocabularySpans,
  type WordSegmenter,
} from '@kefu/engine';
import { builtinData, DATA_DIR } from './builtin-data.ts';
import { packClassifier, unpackClassifier } from './model-codec.ts';
import { defaultSegmenter } from './segmenter.ts';

let polarity: Classifier | undefined;

/** The polarity model trained on review data (see data/models/README.md), loaded once. */
export function polarityModel(): Classifier {
  polarity ??= TextClassifier.restore(
    decodeClassifier(JSON.parse(readFileSync(path.join(DATA_DIR, 'models', 'polarity.zh.json'), 'utf8'))),
  );
  return polarity;
}

export class TrainingRefused extends Error {
  constructor(readonly report: TrainingReport) {
    super(`training data refused:\n- ${report.errors.join('\n- ')}`);
  }
}

/**
 * Trains an intent classifier after checking the data; yields progress in [0, 1] once per epoch
 * so a caller can report it and let other work run in between.
 */
export function* trainIntents(
  examples: readonly IntentExample[],
  segmenter: WordSegmenter = defaultSegmenter(),
  vocabulary?: VocabularySpans,
): Generator<number, { classifier: Classifier; report: TrainingReport }> {
  const report = checkTrainingSet(examples);
  if (report.errors.length > 0) throw new TrainingRefused(report);
  const labelled = report.usable.flatMap((e) => {
    const features = { label: e.intent, keys: prepareText(e.text, segmenter, vocabulary).keys };
    return Array.from({ length: Math.max(1, Math.round(e.weight ?? 1)) }, () => features);
  });
  const steps = TextClassifier.trainSteps(labelled);
  for (;;) {
    const step = steps.next();
    if (step.done) return { classifier: step.value, report };
    yield step.value.progress;
  }
}

export function runToEnd<T>(steps: Generator<number, T>, onProgress?: (progress: number) => void): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    onProgress?.(step.value);
  }
}

/**
 * The built-in model: trained from the shipped data on first use and cached under
 * `cacheDir/nlu/` keyed by the data's hash and the feature version, so the next process loads it
 * in milliseconds instead of training again.
 */
export function builtinIntentModel(
  cacheDir: string | undefined,
  onProgress?: (progress: number) => void,
): { classifier: Classifier; cached: boolean } {
  const cached = readBuiltinCache(cacheDir);
  if (cached) return { classifier: cached, cached: true };
  const { classifier } = runToEnd(trainIntents(builtinData().train), onProgress);
  writeBuiltinCache(cacheDir, classifier);
  return { classifier, cached: false };
}

const cacheFile = (cacheDir: string) =>
  path.join(cacheDir, 'nlu', `builtin-${builtinData().hash}-f${FEATURES_VERSION}.model`);

export function readBuiltinCache(cacheDir: string | undefined): Classifier | undefined {
  if (!cacheDir || !existsSync(cacheFile(cacheDir))) return undefined;
  try {
    return unpackClassifier(readFileSync(cacheFile(cacheDir), 'utf8'));
  } catch {
    return undefined; // damaged: retrained and overwritten
  }
}

/** Best effort: a read-only data directory only means training again next time. */
export function writeBuiltinCache(cacheDir: string | undefined, classifier: Classifier): void {
  if (!cacheDir) return;
  const file = cacheFile(cacheDir);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, packClassifier(classifier));
    renameSync(tmp, file);
  } catch {}
}
