/**
 * Context words that decide what a number means: 订单号 before digits makes them an order id, 顺丰 a
 * tracking number, 手机 a phone, 元/差价 an amount. They are matched in the same pass as colours and
 * places (see lexicon.ts) and looked up by distance from the span in question.
 */
import type { CarrierCode } from './entity.ts';
import type { Scan } from './scan.ts';

export const CUE_ORDER = 1;
/** 单号/编号: an identifier, order or parcel undecided. */
export const CUE_ID = 2;
export const CUE_TRACKING = 4;
export const CUE_CARRIER = 8;
export const CUE_PHONE = 16;
export const CUE_PRICE = 32;
export const CUE_SIZE = 64;
/** Words directly before a bare size number: 穿38, 尺码38. Always also CUE_SIZE. */
export const CUE_SIZE_LEAD = 128;

const words = (list: string, cue: number): [string, number][] => list.split(' ').map((w) => [w, cue]);

/** Word → cue bits. A 0 entry shadows a longer word that merely contains a cue (密码 is not 码). */
export const CUE_WORDS: readonly [string, number][] = [
  ...words('订单 订单号 订单编号 订单尾号 单子', CUE_ORDER),
  ...words('单号 编号', CUE_ID),
  ...words('运单 运单号 快递单号 快递单 物流单号 快递号 快递 物流 包裹 面单 查件', CUE_TRACKING),
  ...words('手机 手机号 手机号码 电话 电话号码 联系电话 联系方式 号码 座机 固话 来电', CUE_PHONE),
  ...words(
    '价格 价钱 价 钱 多少钱 便宜 贵 差价 补差价 退我 退给我 补我 降价 涨价 原价 现价 售价 付了 付款 实付 花了 ' +
      '优惠 运费 退款 返现 红包 券 到手 总价 金额 报价 预算 保价',
    CUE_PRICE,
  ),
  ...words('码 大小 换 偏大 偏小 合身 腰围 身高 size', CUE_SIZE),
  ...words('尺码 码数 鞋码 尺寸 穿', CUE_SIZE | CUE_SIZE_LEAD),
  ...words('密码 验证码 二维码 条码 编码 代码 起码 码字 价值', 0),
];

/** Courier names and what they hint. */
export const CARRIER_WORDS: readonly [string, CarrierCode][] = [
  ['顺丰', 'SF'],
  ['顺丰快递', 'SF'],
  ['京东快递', 'JD'],
  ['京东物流', 'JD'],
  ['中通', 'ZTO'],
  ['圆通', 'YTO'],
  ['申通', 'STO'],
  ['韵达', 'YD'],
  ['邮政', 'EMS'],
  ['中国邮政', 'EMS'],
  ['邮局', 'EMS'],
  ['EMS', 'EMS'],
  ['极兔', 'JT'],
  ['德邦', 'DBL'],
  ['百世', 'BEST'],
  ['百世汇通', 'BEST'],
  ['汇通', 'BEST'],
  ['菜鸟', 'CAINIAO'],
];

export interface CueHit {
  start: number;
  end: number;
  cue: number;
  carrier: CarrierCode | undefined;
}

/**
 * The cue among `mask` closest to [start, end): up to `before` characters before it or `after` after
 * it. Identifier cues are usually written before the number (订单号2611…), so callers look further back.
 */
export function nearestCue(scan: Scan, mask: number, start: number, end: number, before = 12, after = 6) {
  if ((scan.cueBits & mask) === 0) return undefined;
  const cues = scan.cues;
  // Cues come sorted and non-overlapping: binary-search the first that ends inside the window, so long
  // messages with many cues stay linear.
  const from = start - before;
  let lo = 0;
  let hi = cues.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cues[mid]!.end < from) lo = mid + 1;
    else hi = mid;
  }
  let best: CueHit | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = lo; i < cues.length; i++) {
    const hit = cues[i]!;
    if (hit.start > end + after) break;
    if ((hit.cue & mask) === 0) continue;
    const distance = hit.end <= start ? start - hit.end : hit.start >= end ? hit.start - end : -1;
    if (distance < 0) continue;
    const limit = hit.end <= start ? before : after;
    if (distance <= limit && distance < bestDistance) {
      best = hit;
      bestDistance = distance;
    }
  }
  return best;
}

/** Whether any cue in `mask` occurs anywhere in the message. */
export function hasCue(scan: Scan, mask: number): boolean {
  return (scan.cueBits & mask) !== 0;
}
