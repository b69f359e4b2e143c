/**
 * Surface signals of intensity that are not words: exclamation, repeated question marks,
 * repetition, counted urging (催了三遍), shouting in capitals; and whether the message is a
 * question at all (a question is asked, not felt, so the review model's vote counts for less).
 */
export interface Signals {
  /** Exclamation marks (！ is ! after normalisation; ❗ counts too). */
  exclamations: number;
  /** Question marks beyond the first in the longest run (？？？ → 2). */
  extraQuestionMarks: number;
  /** Back-to-back repeats of a 2–4 character unit (在吗在吗, 快点快点快点 → 2). */
  repeatedUnits: number;
  /** Counted urging: 催了三遍, 问了好几次, 第三次, 说了多少遍. */
  urgings: number;
  /** Written in capitals, like WHERE IS MY ORDER. */
  shouting: boolean;
  /** A question or a request rather than a verdict. */
  asking: boolean;
  /** Plainly a question: a question mark or particle (有货吗, 到了没?). */
  question: boolean;
  /** Letters, digits and CJK characters: how much there is for the model to judge. */
  contentLength: number;
}

const SEPARATORS = new Set(Array.from('，。、；：～…·！？', (c) => c.charCodeAt(0)));
/** Units whose repetition is friendly or plain (好的好的, 嗯嗯嗯嗯), not impatience. */
const CALM_UNITS = new Set(
  '好的 好了 拜拜 是的 对的 可以 谢谢 辛苦 麻烦 亲亲 你好 哈喽 溜了 不用 没有 不要 不对 收到 行行'.split(' '),
);
const URGING =
  /(?:催|问|说|找|打|联系|发|申请|反馈|投诉|留言)了?(?:[两三四五六七八九十几多好]+|[0-9]+)(?:遍|次|回)|第(?:[三四五六七八九十几]|[0-9]+)次|多少(?:遍|次)|几(?:遍|次)了|无数(?:遍|次)/g;
/** A question or a request: 有货吗, 怎么退, 退货是寄回还是上门取, 麻烦帮我改地址. */
const ASKING =
  /[?吗嘛]|[么呢呀](?:[,.!~\s]|$)|请问|请|麻烦|帮我|帮忙|怎么|如何|为什么|为啥|咋|什么|多少|几[天号点个时次]|哪|能不能|能否|可不可以|有没有|是不是|会不会|要不要|多久|何时|还是|我想|想要|我要|需要|申请|给我/;
const QUESTION = /[?吗嘛]|[呢么](?:[,.!~\s]|$)/;
const CAPITAL_WORD = /[A-Z]{3,}/g;

export function readSignals(text: string): Signals {
  let exclamations = 0;
  let questionRun = 0;
  let longestQuestionRun = 0;
  let contentLength = 0;
  let lowerLetters = 0;
  let upperLetters = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3f) {
      questionRun++;
      if (questionRun > longestQuestionRun) longestQuestionRun = questionRun;
      continue;
    }
    questionRun = 0;
    if (c === 0x21 || c === 0x2757 || c === 0x203c) exclamations += c === 0x203c ? 2 : 1;
    else if (c >= 0x61 && c <= 0x7a) {
      lowerLetters++;
      contentLength++;
    } else if (c >= 0x41 && c <= 0x5a) {
      upperLetters++;
      contentLength++;
    } else if ((c >= 0x30 && c <= 0x39) || (c >= 0x3400 && c <= 0x9fff)) contentLength++;
  }
  return {
    exclamations,
    extraQuestionMarks: Math.max(0, longestQuestionRun - 1),
    repeatedUnits: repeatedUnits(text),
    urgings: count(URGING, text),
    shouting: lowerLetters === 0 && upperLetters >= 8 && count(CAPITAL_WORD, text) >= 2,
    asking: ASKING.test(text),
    question: QUESTION.test(text),
    contentLength,
  };
}

/** Back-to-back repeats of a 2–4 unit chunk, by direct comparison (a backreference regex is 10× slower). */
function repeatedUnits(text: string): number {
  let repeats = 0;
  let i = 0;
  while (i < text.length) {
    let step = 1;
    for (let size = 2; size <= 4 && i + 2 * size <= text.length; size++) {
      if (!sameChunk(text, i, i + size, size) || !meaningfulUnit(text, i, size)) continue;
      let copies = 2;
      while (i + (copies + 1) * size <= text.length && sameChunk(text, i, i + copies * size, size)) copies++;
      repeats += copies - 1;
      step = copies * size;
      break;
    }
    i += step;
  }
  return repeats;
}

function sameChunk(text: string, a: number, b: number, size: number): boolean {
  for (let k = 0; k < size; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** Not punctuation, letters or digits, not one character over and over (哈哈, 😡), not calm (好的). */
function meaningfulUnit(text: string, at: number, size: number): boolean {
  let allSame = true;
  for (let k = 0; k < size; k++) {
    const c = text.charCodeAt(at + k);
    if (c < 0x80 || SEPARATORS.has(c)) return false;
    if (c !== text.charCodeAt(at)) allSame = false;
  }
  const c = text.charCodeAt(at);
  if (allSame || (size === 2 && c >= 0xd800 && c <= 0xdbff)) return false;
  return !CALM_UNITS.has(text.slice(at, at + size));
}

function count(pattern: RegExp, text: string): number {
  let n = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
}
