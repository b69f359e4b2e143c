/**
 * Colour vocabulary for apparel, beauty and electronics SKUs. Named colours are listed as shoppers write
 * them; hue words are combined with shade prefixes (深/浅/…) so 浅蓝色 and 深灰 need no listing.
 */

/** One-character hues; alone they only count with 色 (红色), since 红/白/金 are parts of many words. */
const HUES = '红橙黄绿青蓝紫黑白灰粉棕褐金银米杏咖驼卡藏肤裸';

/** Shade prefixes, applied to the hues that read naturally with them (深藏 and 大米 are not colours). */
const SHADES = ['深', '浅', '淡', '亮', '暗', '荧光', '哑光'];
const SHADED_HUES = '红橙黄绿青蓝紫黑白灰粉棕褐金银米咖';

/** Named colours that are unambiguous on their own (the 色 form is added too). */
const NAMED = (
  '大红 正红 粉红 粉蓝 粉紫 奶黄 奶咖 雾蓝 雾粉 雾紫 雾绿 ' +
  '米白 奶白 乳白 象牙白 珍珠白 雪白 本白 纯白 月光白 冰川白 陶瓷白 ' +
  '藏青 藏蓝 宝蓝 天蓝 湖蓝 海军蓝 雾霾蓝 宝石蓝 克莱因蓝 孔雀蓝 牛仔蓝 冰蓝 灰蓝 远峰蓝 天青 蓝绿 ' +
  '酒红 枣红 砖红 西瓜红 姨妈红 玫红 桃红 橘红 珊瑚红 中国红 番茄红 铁锈红 豆沙红 ' +
  '军绿 墨绿 橄榄绿 薄荷绿 牛油果绿 芥末绿 草绿 翠绿 松石绿 ' +
  '卡其 姜黄 土黄 柠檬黄 鹅黄 明黄 芥末黄 ' +
  '香芋紫 薰衣草紫 葡萄紫 丁香紫 ' +
  '樱花粉 脏粉 藕粉 裸粉 桃粉 玫瑰粉 蜜桃粉 ' +
  '烟灰 炭灰 花灰 银灰 铁灰 高级灰 ' +
  '曜石黑 哑黑 磨砂黑 深空黑 星空黑 深空灰 冰霜银 玫瑰金 香槟金 土豪金 ' +
  '迷彩 豹纹 黑白 撞色 纯色 杂色 彩色 深色 浅色'
).split(' ');

/** Names that are also food or ordinary words, so they only count written with 色 (咖啡色, not 咖啡). */
const NAMED_WITH_SE = '咖啡 焦糖 奶茶 燕麦 摩卡 巧克力 可可 豆沙 午夜 星光 透明 紫罗兰 钛金 酒红 肉'.split(
  ' ',
);

/** Canonical form: hues keep 色 (红色); longer names drop it (浅蓝色 → 浅蓝). */
export function normaliseColor(word: string): string {
  const bare = word.endsWith('色') ? word.slice(0, -1) : word;
  return bare.length === 1 ? `${bare}色` : bare;
}

/** Every colour surface form with its canonical value. */
export function colorWords(): [string, string][] {
  const out: [string, string][] = [];
  const add = (w: string) => {
    out.push([w, normaliseColor(w)]);
    if (!w.endsWith('色')) out.push([`${w}色`, normaliseColor(w)]);
  };
  for (const hue of HUES) out.push([`${hue}色`, `${hue}色`]);
  for (const hue of SHADED_HUES) for (const shade of SHADES) add(`${shade}${hue}`);
  for (const name of NAMED) add(name);
  for (const name of NAMED_WITH_SE) out.push([`${name}色`, normaliseColor(name)]);
  return out;
}
