/**
 * Curated Chinese cue lexicons for shopper emotion, matched on normalised text (simplified,
 * half-width, any case). Words only: the review-polarity model carries the rest.
 *
 * Matching is leftmost-longest over all lexicons at once, so a longer entry shadows the
 * shorter one it contains: 不好意思 (kind `ignore`) is not 不好, 垃圾袋 is a product, not 垃圾.
 * An entry that begins or ends with an ASCII letter or digit only matches whole (sb ≠ usb,
 * 12315 ≠ 123156).
 */
export type CueKind =
  | 'anger'
  | 'threat'
  | 'anxiety'
  | 'disappointment'
  | 'satisfaction'
  | 'politeness'
  | 'ignore';

/** Space-separated words per kind (emoji included); see the module comment for how they match. */
const LEXICON: Record<CueKind, string> = {
  anger: `
    气死 气人 生气 愤怒 火大 恼火 气愤 垃圾 什么破 破东西 破玩意 什么玩意 骗子 骗人 骗钱 欺骗 诈骗 坑人
    坑爹 被坑 忽悠 骗了 虚假宣传 虚假发货 虚假签收 智商税 三无 缺斤少两 好意思 没良心 良心不会痛 摆设
    给个说法 给我个说法 给个交代 给我个交代 什么鬼 什么素质 没素质 答非所问 不理人 爱答不理 拉黑
    阴阳怪气 凶我 吼我 骂人 骂我 服了 不负责任 太拽 太冲 坑钱 太坑 真坑 坑死 黑心 奸商 无良 无耻 不要脸
    恶心 过分 离谱 搞什么 耍我 耍人 耍流氓 糊弄 敷衍 态度差 态度恶劣 态度极差 什么态度 服务差 服务太差
    没人管 踢皮球 推卸 有病 脑残 智障 废物 滚蛋 妈的 他妈 特么 尼玛 卧槽 我靠 我操 傻逼 傻b 狗屁 去死
    忍无可忍 受够了 凭什么 欺负人 霸王条款 流氓 强盗 wtf fuck shit sb tmd nmd cnm nmsl mdzz 😡 🤬 😠 💢
    👿 🖕 👊`,
  threat: `
    投诉 12315 打12345 拨打12345 12345热线 市长热线 消协 消费者协会 差评 曝光 起诉 告你们 告你 法院 律师
    工商 市场监管 监管部门 黑猫 媒体 记者 电视台 报警 举报 维权 仲裁 法律途径 法律程序 315晚会 找平台
    平台介入 小二介入 发抖音 发到抖音 发小红书 发到小红书 发微博 发到微博 避雷`,
  anxiety: `
    急 着急 急用 急需 急死 快点 快一点 快些 赶紧 尽快 赶时间 来不及 明天就要用 明天要用 等着用 等着穿
    怎么还没 还没到 还没发 还没收到 还不发 还不到 这么慢 太慢 好慢 真慢 慢死 等了好久 等了很久 等好久
    多久才 到底什么时候 到底还要 催 能不能快 ⏰ 😰 😫 😣 😖`,
  disappointment: `
    失望 心寒 寒心 太差 很差 真差 好差 特别差 非常差 极差 超差 差劲 质量差 做工差 还以为 本以为 原以为
    后悔 不值 上当 无语 郁闷 伤心 难过 心累 唉 遗憾 可惜 不会再买 再也不买 再也不会 不会再来 不推荐
    一般般 不怎么样 不行 不好 不太好 不怎么好 看不下去 坏了 破了 烂了 发霉 异味 掉色 起球 没用 不能用
    用不了 假货 山寨 货不对板 与描述不符 不符 太贵 不划算 货不对版 这么差 色差 缩水 划痕 过敏 什么质量
    这品质 就坏 💔 😞 😔 😢 😟 ☹ 🙁 😩 😭`,
  satisfaction: `
    满意 好评 喜欢 不错 挺好 很好 真好 非常好 特别好 太好了 好用 好看 好吃 好喝 舒服 漂亮 完美 给力 赞
    很棒 真棒 太棒 好棒 超棒 点赞 值得推荐 强烈推荐 推荐购买 超值 划算 物美价廉 性价比高 物超所值 五星
    满分 下次还来 还会再来 还会再买 会回购 回购 开心 惊喜 爱了 靠谱 放心 值得 速度快 神速 贴心 周到 👍
    😊 😄 😁 😀 😃 ❤ 🥰 😍 👏 💯 🌹 🎉 ☺ 😘 🙂`,
  politeness: '谢谢 谢了 感谢 多谢 谢啦 感恩 感激 辛苦 麻烦你了 麻烦您了 3q thx thanks thank xiexie 🙏',
  ignore: `
    不好意思 赞同 赞成 赞助 垃圾袋 垃圾桶 垃圾篓 垃圾分类 有病毒 急救 急诊 催化 催乳 投诉电话 投诉渠道
    律师函 工商银行 多媒体 报警器 差评返现 好评返现 不会给差评 不给差评 不急 不着急 不用急 不用着急 别急
    不催 行不行 好不好 满不满意 喜不喜欢 值不值 好不好用 好不好看 舒不舒服 靠不靠谱 放不放心 没用过
    用不了多久 没色差 无色差 不缩水 不过敏`,
};

interface Entry {
  text: string;
  kind: CueKind;
  /** The entry already holds its negation (不错, 不推荐), so no negation is looked for before it. */
  negated: boolean;
  wholeStart: boolean;
  wholeEnd: boolean;
}

const isAsciiAlnum = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** Entries by their first UTF-16 code unit, longest first. */
const BY_FIRST_UNIT: ReadonlyMap<number, readonly Entry[]> = (() => {
  const map = new Map<number, Entry[]>();
  for (const [kind, words] of Object.entries(LEXICON) as [CueKind, string][]) {
    for (const word of words.trim().split(/\s+/)) {
      const text = word.toLowerCase();
      const entry: Entry = {
        text,
        kind,
        negated: /^[不没别]/.test(text),
        wholeStart: isAsciiAlnum(text.charCodeAt(0)),
        wholeEnd: isAsciiAlnum(text.charCodeAt(text.length - 1)),
      };
      const list = map.get(text.charCodeAt(0)) ?? [];
      list.push(entry);
      map.set(text.charCodeAt(0), list);
    }
  }
  for (const list of map.values()) list.sort((a, b) => b.text.length - a.text.length);
  return map;
})();

/**
 * A negator right before a cue, optionally through a degree word: 不满意, 不太满意, 很不满意,
 * 一点都不喜欢, 不是很满意, 没那么好用, 并不失望.
 */
const NEGATED_BEFORE =
  /(?:不|没|没有|别|未|无|毫不|并不|不是|不会|不想|不要|不用)(?:太|很|是很|怎么|大|够|那么|算|再|会|特别|是特别|是太|是那么|这么|那么)?$/;
/** A cue followed, within its clause, by a question particle is asked about, not felt: 好用吗, 满意么. */
const ASKED_AFTER = /^[^,.!?;\s]{0,3}?(?:[吗嘛?]|(?<![什怎那这多])么)/;
/** …or asked as A-not-A right before it: 会不会掉色, 是不是假货, 容不容易起球. */
const ASKED_BEFORE = /(.)[不没]\1.?$/;

export interface CueCounts {
  anger: number;
  threat: number;
  anxiety: number;
  disappointment: number;
  satisfaction: number;
  politeness: number;
  /** Positive cues under a negator (不满意): disappointment. */
  negatedPositive: number;
  /** Negative cues under a negator (不失望, 没生气): mild reassurance. */
  negatedNegative: number;
  /** Occurrences of a negative cue already seen in the same message (快点快点, 急急急). */
  repeats: number;
}

export function emptyCueCounts(): CueCounts {
  return {
    anger: 0,
    threat: 0,
    anxiety: 0,
    disappointment: 0,
    satisfaction: 0,
    politeness: 0,
    negatedPositive: 0,
    negatedNegative: 0,
    repeats: 0,
  };
}

/** The previous negative cues' entries, for `repeats`; reused, never escapes. */
const seen: Entry[] = [];

/**
 * Counts the cues of `lower` (normalised, lower-cased text), non-overlapping, leftmost-longest.
 * A scan of a 30-character message costs about 30 map lookups and a few startsWith calls.
 */
export function countCues(lower: string): CueCounts {
  const counts = emptyCueCounts();
  seen.length = 0;
  let i = 0;
  while (i < lower.length) {
    const entry = matchAt(lower, i);
    if (!entry) {
      i++;
      continue;
    }
    const end = i + entry.text.length;
    if (entry.kind !== 'ignore') tally(counts, entry, lower, i, end);
    i = end;
  }
  return counts;
}

function matchAt(lower: string, i: number): Entry | undefined {
  const candidates = BY_FIRST_UNIT.get(lower.charCodeAt(i));
  if (!candidates) return undefined;
  for (const entry of candidates) {
    if (!lower.startsWith(entry.text, i)) continue;
    if (entry.wholeStart && i > 0 && isAsciiAlnum(lower.charCodeAt(i - 1))) continue;
    const end = i + entry.text.length;
    if (entry.wholeEnd && end < lower.length && isAsciiAlnum(lower.charCodeAt(end))) continue;
    return entry;
  }
  return undefined;
}

function tally(counts: CueCounts, entry: Entry, lower: string, start: number, end: number) {
  const before = lower.slice(Math.max(0, start - 4), start);
  const kind = entry.kind as Exclude<CueKind, 'ignore'>;
  // 好用吗 / 会不会掉色: asked about, not felt (a threat asked about is still a threat).
  if ((kind === 'satisfaction' || kind === 'disappointment') && isAsked(before, lower, end)) return;
  const negated = !entry.negated && NEGATED_BEFORE.test(before);
  if (kind === 'satisfaction' || kind === 'politeness') {
    if (negated) counts.negatedPositive++;
    else counts[kind]++;
    return;
  }
  if (negated) {
    // A withdrawn threat or calmed anger is no reassurance; 不失望 is.
    if (kind === 'disappointment') counts.negatedNegative++;
    return;
  }
  if (seen.includes(entry)) counts.repeats++;
  else seen.push(entry);
  counts[kind]++;
}

function isAsked(before: string, lower: string, end: number): boolean {
  return ASKED_BEFORE.test(before) || ASKED_AFTER.test(lower.slice(end, end + 4));
}
