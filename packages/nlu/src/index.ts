export { type BuiltinData, builtinData, DATA_DIR, type IntentDefinition } from './builtin-data.ts';
export { packClassifier, unpackClassifier } from './model-codec.ts';
export {
  builtinIntentModel,
  polarityModel,
  readBuiltinCache,
  runToEnd,
  TrainingRefused,
  trainIntents,
  writeBuiltinCache,
} from './models.ts';
export { DEFAULT_THRESHOLD } from './nlu.repository.ts';
export { NluService, type NluServiceOptions } from './nlu.service.ts';
export { defaultSegmenter } from './segmenter.ts';
