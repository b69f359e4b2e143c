/**
 * Administrative place names for delivery addresses: all 34 provincial-level divisions, the provincial
 * capitals and the larger prefecture-level cities, and districts common enough to appear without their
 * city (朝阳区). Smaller districts are inferred after a city by address.ts (乌鲁木齐天山区).
 */

export type PlaceLevel = 'province' | 'city' | 'district';

/** Full name, then the short forms shoppers write. */
const PROVINCES: readonly (readonly string[])[] = [
  ['北京市', '北京'],
  ['天津市', '天津'],
  ['上海市', '上海'],
  ['重庆市', '重庆'],
  ['河北省', '河北'],
  ['山西省', '山西'],
  ['辽宁省', '辽宁'],
  ['吉林省', '吉林'],
  ['黑龙江省', '黑龙江'],
  ['江苏省', '江苏'],
  ['浙江省', '浙江'],
  ['安徽省', '安徽'],
  ['福建省', '福建'],
  ['江西省', '江西'],
  ['山东省', '山东'],
  ['河南省', '河南'],
  ['湖北省', '湖北'],
  ['湖南省', '湖南'],
  ['广东省', '广东'],
  ['海南省', '海南'],
  ['四川省', '四川'],
  ['贵州省', '贵州'],
  ['云南省', '云南'],
  ['陕西省', '陕西'],
  ['甘肃省', '甘肃'],
  ['青海省', '青海'],
  ['台湾省', '台湾'],
  ['内蒙古自治区', '内蒙古', '内蒙'],
  ['广西壮族自治区', '广西', '广西自治区'],
  ['西藏自治区', '西藏'],
  ['宁夏回族自治区', '宁夏', '宁夏自治区'],
  ['新疆维吾尔自治区', '新疆', '新疆自治区'],
  ['香港特别行政区', '香港'],
  ['澳门特别行政区', '澳门'],
];

/** Provincial capitals and big cities, without 市. */
const CITIES = (
  '石家庄 太原 呼和浩特 沈阳 长春 哈尔滨 南京 杭州 合肥 福州 南昌 济南 郑州 武汉 长沙 广州 南宁 海口 ' +
  '成都 贵阳 昆明 拉萨 西安 兰州 西宁 银川 乌鲁木齐 台北 ' +
  '深圳 苏州 宁波 青岛 大连 厦门 无锡 佛山 东莞 温州 泉州 常州 南通 烟台 徐州 绍兴 嘉兴 金华 台州 ' +
  '珠海 中山 惠州 潍坊 临沂 唐山 洛阳 扬州 盐城 镇江 泰州 芜湖 襄阳 宜昌 赣州 漳州 柳州 桂林 三亚 ' +
  '绵阳 遵义 大理 丽江 包头 鄂尔多斯 保定 廊坊 邯郸 沧州 齐齐哈尔 大庆 鞍山 淄博 济宁 威海 日照 湖州 ' +
  '汕头 湛江 江门 茂名 揭阳 肇庆 清远 韶关 株洲 湘潭 衡阳 岳阳 常德 九江 上饶 蚌埠 阜阳 安庆 南阳 ' +
  '新乡 许昌 开封 宝鸡 咸阳 延安 天水 喀什 克拉玛依 义乌 昆山 江阴 张家港 常熟 晋江 慈溪'
).split(' ');

/** Districts shoppers name without their city. */
const DISTRICTS = (
  '朝阳区 海淀区 东城区 西城区 丰台区 通州区 昌平区 大兴区 顺义区 房山区 ' +
  '浦东新区 黄浦区 徐汇区 静安区 长宁区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 松江区 青浦区 ' +
  '天河区 越秀区 海珠区 番禺区 白云区 黄埔区 南山区 福田区 罗湖区 宝安区 龙岗区 龙华区 光明区 ' +
  '西湖区 滨江区 余杭区 萧山区 拱墅区 上城区 武侯区 锦江区 青羊区 金牛区 成华区 双流区 ' +
  '江汉区 武昌区 洪山区 江岸区 汉阳区 天山区 沙依巴克区 鼓楼区 玄武区 秦淮区 建邺区 江宁区 ' +
  '渝中区 江北区 南岸区 渝北区 雁塔区 碑林区 未央区 历下区 市南区 崂山区 思明区 湖里区 滨海新区 ' +
  '工业园区 姑苏区 吴中区 高新区'
).split(' ');

export interface PlaceEntry {
  level: PlaceLevel;
  /** Normalised: full province name, city with 市, district as written. */
  value: string;
}

/** Every place surface form with its entry. */
export function placeWords(): [string, PlaceEntry][] {
  const out: [string, PlaceEntry][] = [];
  for (const [full, ...aliases] of PROVINCES) {
    const entry: PlaceEntry = { level: 'province', value: full! };
    for (const name of [full!, ...aliases]) out.push([name, entry]);
    // 新疆省, 广西省: a common slip, still the same region.
    if (full!.endsWith('自治区')) out.push([`${aliases[0]}省`, entry]);
  }
  for (const city of CITIES) {
    const entry: PlaceEntry = { level: 'city', value: `${city}市` };
    out.push([city, entry], [`${city}市`, entry]);
  }
  for (const district of DISTRICTS) out.push([district, { level: 'district', value: district }]);
  return out;
}
