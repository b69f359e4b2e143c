/** How well predicted intents match gold ones: what `kefu nlu eval` and the benches print. */
export interface EvaluationReport {
  examples: number;
  accuracy: number;
  macroF1: number;
  perIntent: { intent: string; support: number; precision: number; recall: number; f1: number }[];
  /** Most frequent gold → predicted mistakes. */
  confusions: { gold: string; predicted: string; count: number; examples: string[] }[];
}

export function evaluate(
  results: readonly { text: string; gold: string; predicted: string }[],
  maxConfusions = 15,
): EvaluationReport {
  const intents = [...new Set(results.flatMap((r) => [r.gold, r.predicted]))].sort();
  const count = (f: (r: (typeof results)[number]) => boolean) => results.filter(f).length;
  const perIntent = intents
    .map((intent) => {
      const tp = count((r) => r.gold === intent && r.predicted === intent);
      const support = count((r) => r.gold === intent);
      const predicted = count((r) => r.predicted === intent);
      const precision = predicted === 0 ? 0 : tp / predicted;
      const recall = support === 0 ? 0 : tp / support;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { intent, support, precision, recall, f1 };
    })
    .filter((row) => row.support > 0);
  const confusions = new Map<
    string,
    { gold: string; predicted: string; count: number; examples: string[] }
  >();
  for (const r of results) {
    if (r.gold === r.predicted) continue;
    const key = `${r.gold}\u0000${r.predicted}`;
    const entry = confusions.get(key) ?? { gold: r.gold, predicted: r.predicted, count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 3) entry.examples.push(r.text);
    confusions.set(key, entry);
  }
  return {
    examples: results.length,
    accuracy: results.length === 0 ? 0 : count((r) => r.gold === r.predicted) / results.length,
    macroF1: perIntent.length === 0 ? 0 : perIntent.reduce((s, r) => s + r.f1, 0) / perIntent.length,
    perIntent,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count).slice(0, maxConfusions),
  };
}
