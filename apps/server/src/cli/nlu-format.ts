import type { EvaluationReport } from '@kefu/engine';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The human-readable `kefu nlu eval` report. */
export function formatEvaluation(report: EvaluationReport): string {
  const lines = [
    `examples ${report.examples}   accuracy ${pct(report.accuracy)}   macro-F1 ${pct(report.macroF1)}`,
    '',
    `${'intent'.padEnd(32)} ${'n'.padStart(4)} ${'precision'.padStart(9)} ${'recall'.padStart(7)} ${'F1'.padStart(7)}`,
    ...report.perIntent.map(
      (r) =>
        `${r.intent.padEnd(32)} ${String(r.support).padStart(4)} ${pct(r.precision).padStart(9)} ${pct(r.recall).padStart(7)} ${pct(r.f1).padStart(7)}`,
    ),
  ];
  if (report.confusions.length > 0) {
    lines.push('', 'top confusions (gold → predicted):');
    for (const c of report.confusions)
      lines.push(`  ${c.count}× ${c.gold} → ${c.predicted}   e.g. ${c.examples[0]}`);
  }
  return lines.join('\n');
}
