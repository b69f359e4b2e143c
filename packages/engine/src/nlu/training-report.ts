import type { IntentExample } from './training-data.ts';

export interface TrainingReport {
  /** Refusals: training must not proceed while any is present. */
  errors: string[];
  /** Flagged and handled (duplicates are dropped), listed so the data can be cleaned. */
  warnings: string[];
  /** The examples training may use: de-duplicated, conflicts removed. */
  usable: IntentExample[];
  intents: { intent: string; examples: number }[];
}

export interface TrainingRules {
  /** Fewer examples than this for an intent is refused: the model could not learn it. */
  minExamplesPerIntent: number;
}

export const defaultTrainingRules: TrainingRules = { minExamplesPerIntent: 5 };

/**
 * Same utterance for training purposes: case, spaces and punctuation do not make a new example
 * (emoji do: 👍 alone is a real answer).
 */
export function utteranceKey(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}]+/gu, '');
}

/**
 * Checks a training set before it is used: duplicates are flagged and dropped, one utterance
 * under two intents and intents with too few examples are refused, never silently accepted.
 */
export function checkTrainingSet(
  examples: readonly IntentExample[],
  rules: TrainingRules = defaultTrainingRules,
): TrainingReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const byKey = new Map<string, IntentExample[]>();
  for (const example of examples) {
    const key = utteranceKey(example.text);
    if (key === '') {
      errors.push(
        `${where(example)}: "${example.text}" has nothing to learn from (only spaces and punctuation)`,
      );
      continue;
    }
    const list = byKey.get(key) ?? [];
    list.push(example);
    byKey.set(key, list);
  }
  const usable: IntentExample[] = [];
  for (const group of byKey.values()) {
    const intents = [...new Set(group.map((e) => e.intent))];
    if (intents.length > 1) {
      errors.push(
        `"${group[0]!.text}" is an example of ${intents.length} intents (${group.map((e) => `${e.intent} at ${where(e)}`).join(', ')}); keep it under one`,
      );
      continue;
    }
    if (group.length > 1) {
      warnings.push(`duplicate example "${group[0]!.text}" (${group.map(where).join(', ')}); kept once`);
    }
    usable.push(group[0]!);
  }
  const counts = new Map<string, number>();
  for (const e of usable) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  const intents = [...counts]
    .map(([intent, n]) => ({ intent, examples: n }))
    .sort((a, b) => a.intent.localeCompare(b.intent));
  for (const { intent, examples: n } of intents) {
    if (n < rules.minExamplesPerIntent) {
      errors.push(
        `intent ${intent} has ${n} example(s); at least ${rules.minExamplesPerIntent} are needed to learn it`,
      );
    }
  }
  if (intents.length < 2) errors.push('at least two intents are needed to train a classifier');
  return { errors, warnings, usable, intents };
}

const where = (e: IntentExample) => e.source ?? 'example';
