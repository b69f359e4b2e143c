import { createRequire } from 'node:module';
import type { WordSegmenter } from '@kefu/engine';
import type { Jieba } from '@node-rs/jieba';

const require = createRequire(import.meta.url);
let jieba: Jieba | undefined;

/**
 * jieba with its bundled dictionary, loaded on first use (~250 ms, so CLI commands that never
 * segment don't pay for it) and shared by every tenant: shop vocabulary is applied before
 * segmentation, not by loading words into jieba.
 */
export function defaultSegmenter(): WordSegmenter {
  if (!jieba) {
    const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict.js') as typeof import('@node-rs/jieba/dict.js');
    jieba = JiebaClass.withDict(dict);
  }
  const instance = jieba;
  return { cut: (text) => instance.cut(text, true) };
}
