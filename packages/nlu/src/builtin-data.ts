import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type IntentExample, type ParseProblem, parseExamples, utteranceKey } from '@kefu/engine';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data');
const INTENTS_DIR = path.join(DATA_DIR, 'intents');

const TaxonomyFile = z.record(
  z.string(),
  z.object({ name: z.string().min(1), description: z.string().min(1), notes: z.string().optional() }),
);

export interface IntentDefinition {
  id: string;
  name: string;
  description: string;
  notes?: string;
}

export interface BuiltinData {
  intents: IntentDefinition[];
  train: IntentExample[];
  test: IntentExample[];
  problems: ParseProblem[];
  /** Changes whenever any data file changes: keys the cached built-in model. */
  hash: string;
}

let cached: BuiltinData | undefined;

/** The built-in taxonomy with its training and held-out test utterances (packages/nlu/data/intents). */
export function builtinData(): BuiltinData {
  if (cached) return cached;
  const hash = createHash('sha256');
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    hash.update(file.slice(INTENTS_DIR.length)).update(text);
    return text;
  };
  const taxonomy = TaxonomyFile.parse(parseYaml(read(path.join(INTENTS_DIR, 'taxonomy.yaml'))));
  const intents = Object.entries(taxonomy).map(([id, d]) => ({ id, ...d }));
  const known = new Set(intents.map((i) => i.id));
  const problems: ParseProblem[] = [];
  const load = (split: 'train' | 'test') =>
    readdirSync(path.join(INTENTS_DIR, split))
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .flatMap((f) => {
        const parsed = parseExamples(read(path.join(INTENTS_DIR, split, f)), `${split}/${f}`);
        problems.push(...parsed.problems);
        for (const e of parsed.examples) {
          if (!known.has(e.intent))
            problems.push({ source: e.source!, problem: `intent ${e.intent} is not in taxonomy.yaml` });
        }
        return parsed.examples;
      });
  const train = load('train');
  const test = load('test');
  cached = { intents, train, test, problems, hash: hash.digest('hex').slice(0, 16) };
  return cached;
}

let builtinKeys: ReadonlyMap<string, string> | undefined;

/** utteranceKey → intent of every built-in training line: a shop example may not repeat one. */
export function builtinTrainingKeys(): ReadonlyMap<string, string> {
  builtinKeys ??= new Map(builtinData().train.map((e) => [utteranceKey(e.text), e.intent]));
  return builtinKeys;
}
