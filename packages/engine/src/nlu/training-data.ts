/** One training or test utterance and where it came from (file:line, or an API id). */
export interface IntentExample {
  intent: string;
  text: string;
  source?: string;
  /** How many times the example counts in training (default 1). */
  weight?: number;
}

export interface ParseProblem {
  source: string;
  problem: string;
}

export const INTENT_ID = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * Reads the examples file format: "## <intent id>" starts an intent, every other non-empty line
 * is one utterance, "# " lines are comments. Kept this plain so shop staff can edit it in any
 * editor without escaping rules.
 */
export function parseExamples(
  content: string,
  file: string,
): { examples: IntentExample[]; problems: ParseProblem[] } {
  const examples: IntentExample[] = [];
  const problems: ParseProblem[] = [];
  let intent: string | undefined;
  content.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const source = `${file}:${i + 1}`;
    if (line === '' || line === '#' || line.startsWith('# ')) return;
    if (line.startsWith('##')) {
      const id = line.slice(2).trim();
      if (INTENT_ID.test(id)) intent = id;
      else {
        intent = undefined;
        problems.push({
          source,
          problem: `"${id}" is not an intent id (lower-case words joined by dots, e.g. logistics.track)`,
        });
      }
      return;
    }
    if (intent === undefined)
      problems.push({ source, problem: 'utterance before any "## <intent id>" line' });
    else examples.push({ intent, text: line, source });
  });
  return { examples, problems };
}
