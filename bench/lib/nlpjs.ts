/**
 * NLP.js (node-nlp), the peer the NLU benches compare against: its NlpManager with language
 * zh and default settings, trained on the same utterances as Kefu.
 */
import { NlpManager } from 'node-nlp';

export interface NlpJsModel {
  classify(text: string): Promise<{ intent: string; score: number }>;
  trainSeconds: number;
}

export async function trainNlpJs(examples: readonly { text: string; intent: string }[]): Promise<NlpJsModel> {
  const manager = new NlpManager({
    languages: ['zh'],
    forceNER: false,
    nlu: { log: false },
    autoSave: false,
  });
  for (const e of examples) manager.addDocument('zh', e.text, e.intent);
  const started = performance.now();
  // NLP.js prints "Compiling dictionary" on its own; silence it for a clean table.
  const log = console.log;
  console.log = () => {};
  try {
    await manager.train();
  } finally {
    console.log = log;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  return {
    trainSeconds,
    async classify(text) {
      const r = (await manager.process('zh', text)) as { intent: string; score: number };
      return { intent: r.intent, score: r.score };
    },
  };
}
