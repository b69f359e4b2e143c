import { NluEngine } from '@kefu/engine';
import { builtinData, builtinIntentModel, defaultSegmenter, polarityModel } from '@kefu/nlu';

const texts = builtinData().test.map((e) => e.text);
const engine = new NluEngine({
  intents: builtinIntentModel('/tmp/kefu-cli-test4').classifier,
  polarity: polarityModel(),
  segmenter: defaultSegmenter(),
  threshold: 0.35,
});
const ctx = { now: Date.UTC(2026, 10, 22, 4), timezoneOffsetMinutes: 480 };
for (let r = 0; r < 3; r++) for (const t of texts) engine.analyse(t, ctx);
const t0 = performance.now();
for (let r = 0; r < 20; r++) for (const t of texts) engine.analyse(t, ctx);
console.log('us/call', ((performance.now() - t0) * 1000) / (20 * texts.length));
