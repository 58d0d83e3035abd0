// Names for the synthetic city: surnames by realistic frequency (national census shares, nudged
// toward the north-east), given names by birth era and sex, and the names of streets, communities,
// grids and residential compounds of a 辽源-like prefecture city.
import { Random, WeightedTable } from './random.ts';
import type { Sex } from '../registry/registry.rules.ts';

/** Surname and weight (roughly per mille of the population). */
const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 72],
  ['李', 71],
  ['张', 68],
  ['刘', 56],
  ['陈', 40],
  ['杨', 32],
  ['赵', 27],
  ['孙', 21],
  ['黄', 14],
  ['周', 19],
  ['吴', 16],
  ['徐', 15],
  ['于', 11],
  ['高', 14],
  ['马', 12],
  ['朱', 12],
  ['胡', 11],
  ['郭', 12],
  ['何', 8],
  ['林', 8],
  ['罗', 7],
  ['梁', 8],
  ['宋', 9],
  ['郑', 8],
  ['谢', 6],
  ['韩', 9],
  ['唐', 6],
  ['冯', 7],
  ['董', 7],
  ['姜', 7],
  ['程', 5],
  ['曹', 6],
  ['袁', 5],
  ['邓', 4],
  ['许', 5],
  ['傅', 4],
  ['沈', 4],
  ['曾', 3],
  ['彭', 4],
  ['吕', 5],
  ['苏', 5],
  ['卢', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['贾', 5],
  ['丁', 4],
  ['魏', 5],
  ['薛', 4],
  ['叶', 3],
  ['阎', 3],
  ['余', 2],
  ['潘', 3],
  ['杜', 4],
  ['戴', 3],
  ['夏', 3],
  ['钟', 2],
  ['汪', 2],
  ['田', 4],
  ['任', 4],
  ['范', 3],
  ['方', 3],
  ['石', 4],
  ['姚', 3],
  ['谭', 2],
  ['廖', 1],
  ['邹', 2],
  ['熊', 2],
  ['金', 4],
  ['陆', 2],
  ['郝', 3],
  ['孔', 2],
  ['白', 3],
  ['崔', 4],
  ['康', 2],
  ['毛', 2],
  ['邱', 2],
  ['秦', 2],
  ['江', 2],
  ['史', 3],
  ['顾', 2],
  ['侯', 3],
  ['邵', 2],
  ['孟', 3],
  ['龙', 1],
  ['万', 2],
  ['段', 2],
  ['雷', 2],
  ['钱', 2],
  ['汤', 2],
  ['尹', 3],
  ['常', 3],
  ['武', 2],
  ['乔', 2],
  ['贺', 2],
  ['文', 1],
  ['庞', 2],
  ['樊', 1],
  ['殷', 1],
  ['陶', 1],
  ['翟', 1],
  ['安', 2],
  ['倪', 1],
  ['牛', 2],
  ['温', 1],
  ['鲁', 1],
  ['葛', 1],
  ['毕', 2],
  ['聂', 1],
  ['丛', 2],
  ['焦', 1],
  ['柳', 1],
  ['邢', 1],
  ['路', 1],
  ['岳', 1],
  ['齐', 2],
  ['关', 3],
  ['佟', 2],
  ['隋', 1],
  ['那', 1],
  ['修', 1],
  ['欧阳', 0.3],
  ['司马', 0.1],
  ['诸葛', 0.05],
];

const surnameTable = new WeightedTable(SURNAMES);

export function drawSurname(rng: Random): string {
  return surnameTable.draw(rng);
}

type Era = 'old' | 'middle' | 'young' | 'child';

function eraOf(birthYear: number): Era {
  if (birthYear < 1960) return 'old';
  if (birthYear < 1980) return 'middle';
  if (birthYear < 2000) return 'young';
  return 'child';
}

/** Whole given names, by era and sex, as they were commonly chosen in the north-east. */
const GIVEN: Record<Era, Record<Sex, readonly string[]>> = {
  old: {
    M: [
      '建国',
      '国庆',
      '德福',
      '长顺',
      '福贵',
      '振华',
      '志刚',
      '宝山',
      '玉林',
      '凤山',
      '占海',
      '文斌',
      '永发',
      '庆余',
      '树林',
      '德胜',
      '广才',
      '福林',
      '学文',
      '春生',
      '有财',
      '连生',
      '守义',
      '殿臣',
      '万山',
      '景春',
      '金堂',
      '国华',
      '玉祥',
      '长林',
      '振国',
      '德明',
      '凤林',
      '喜才',
      '洪武',
      '铁山',
      '庆林',
      '文举',
      '忠',
      '贵',
      '福',
      '全',
      '成',
    ],
    F: [
      '桂芝',
      '秀兰',
      '淑芬',
      '玉兰',
      '凤英',
      '秀珍',
      '桂兰',
      '素梅',
      '淑珍',
      '玉珍',
      '翠花',
      '桂荣',
      '凤芝',
      '秀云',
      '淑华',
      '玉梅',
      '桂英',
      '秀芳',
      '兰英',
      '淑兰',
      '金凤',
      '春兰',
      '秀英',
      '淑贤',
      '丽华',
      '玉芝',
      '凤琴',
      '桂珍',
      '秀琴',
      '淑琴',
      '玉凤',
      '桂香',
      '素珍',
      '亚琴',
      '玉洁',
      '淑云',
      '兰',
      '芳',
      '英',
    ],
  },
  middle: {
    M: [
      '建军',
      '国强',
      '志强',
      '海涛',
      '立新',
      '卫东',
      '红军',
      '永刚',
      '晓东',
      '立军',
      '宏伟',
      '春雷',
      '德军',
      '志勇',
      '海军',
      '铁军',
      '长江',
      '维国',
      '继东',
      '卫国',
      '建华',
      '庆华',
      '立国',
      '海波',
      '明亮',
      '振宇',
      '宏斌',
      '东升',
      '俊峰',
      '金龙',
      '伟',
      '军',
      '勇',
      '刚',
      '斌',
      '强',
      '东',
      '明',
      '亮',
      '峰',
      '涛',
      '辉',
      '波',
    ],
    F: [
      '秀梅',
      '红梅',
      '丽华',
      '艳华',
      '晓红',
      '春燕',
      '海燕',
      '丽娟',
      '凤霞',
      '丽萍',
      '玉霞',
      '彩霞',
      '晓梅',
      '淑娟',
      '冬梅',
      '雪梅',
      '艳玲',
      '桂霞',
      '丽君',
      '红艳',
      '晓燕',
      '爱华',
      '文静',
      '艳秋',
      '秀丽',
      '凤云',
      '春梅',
      '晓丽',
      '金玲',
      '艳红',
      '丽',
      '红',
      '艳',
      '敏',
      '霞',
      '燕',
      '静',
      '娟',
      '萍',
      '华',
      '玲',
      '英',
    ],
  },
  young: {
    M: [
      '海洋',
      '晓峰',
      '俊杰',
      '天宇',
      '思远',
      '家豪',
      '嘉伟',
      '志鹏',
      '宏宇',
      '晓龙',
      '鹏飞',
      '振宇',
      '子健',
      '永超',
      '文博',
      '泽民',
      '国栋',
      '少华',
      '继伟',
      '英杰',
      '明辉',
      '浩男',
      '宇航',
      '佳明',
      '嘉乐',
      '建宇',
      '昊',
      '晨阳',
      '博文',
      '立伟',
      '磊',
      '鹏',
      '超',
      '浩',
      '洋',
      '帅',
      '博',
      '宇',
      '鑫',
      '晨',
      '旭',
      '杰',
      '凯',
      '阳',
      '健',
    ],
    F: [
      '婷婷',
      '丹丹',
      '佳琪',
      '雪莹',
      '晓雪',
      '思雨',
      '春晓',
      '梦瑶',
      '欣然',
      '晓琳',
      '美玲',
      '海娜',
      '丽娜',
      '佳慧',
      '丽丽',
      '宏丽',
      '晓丹',
      '雪婷',
      '诗琪',
      '佳欣',
      '玉婷',
      '冰冰',
      '明月',
      '思琪',
      '晓宇',
      '雅楠',
      '美琪',
      '佳颖',
      '婉婷',
      '梦琪',
      '婷',
      '雪',
      '丹',
      '娜',
      '琳',
      '倩',
      '颖',
      '佳',
      '晶',
      '慧',
      '莹',
      '爽',
      '楠',
      '月',
    ],
  },
  child: {
    M: [
      '浩然',
      '宇轩',
      '梓轩',
      '子轩',
      '浩宇',
      '一鸣',
      '俊熙',
      '宇航',
      '博文',
      '铭泽',
      '子墨',
      '明轩',
      '天佑',
      '皓轩',
      '嘉懿',
      '沐宸',
      '奕辰',
      '锦程',
      '宸宇',
      '昊天',
      '景行',
      '子豪',
      '博涵',
      '俊宇',
      '梓睿',
      '泽宇',
      '一凡',
      '思源',
      '晨曦',
      '宇泽',
      '睿',
      '轩',
      '航',
      '铭',
      '哲',
      '昊',
      '晨',
      '楠',
    ],
    F: [
      '欣怡',
      '梓涵',
      '子涵',
      '梓萱',
      '诗涵',
      '语桐',
      '一诺',
      '雨萱',
      '可馨',
      '佳怡',
      '思涵',
      '若汐',
      '沐晴',
      '紫萱',
      '欣妍',
      '雨桐',
      '梓晴',
      '语嫣',
      '依诺',
      '悦彤',
      '安琪',
      '芷若',
      '梦琪',
      '诗琪',
      '雨涵',
      '欣悦',
      '思彤',
      '佳琪',
      '梓琪',
      '一然',
      '悦',
      '彤',
      '萱',
      '涵',
      '琪',
      '妍',
      '瑶',
    ],
  },
};

/** Characters for composed two-character names, by era and sex, to widen the variety. */
const FIRST_CHARS: Record<Era, Record<Sex, string>> = {
  old: { M: '德福长振志宝玉凤占文永庆树广学春有连守殿万景金国喜洪铁', F: '桂秀淑玉凤素翠金春兰丽亚月' },
  middle: { M: '建国志海立卫红永晓宏春德铁长继庆明振俊金东', F: '秀红丽艳晓春海凤玉彩淑冬雪桂爱文金' },
  young: { M: '海晓俊天思家嘉志宏鹏振子永文泽国少继英明浩宇佳建晨博', F: '婷丹佳雪晓思春梦欣美海丽宏诗玉冰明雅婉' },
  child: { M: '浩宇梓子一俊铭明天皓嘉沐奕锦宸昊景博泽思睿', F: '欣梓子诗语一雨可佳思若沐紫梦悦依安芷' },
};
const SECOND_CHARS: Record<Era, Record<Sex, string>> = {
  old: { M: '林山海才发余胜文生财义臣春堂华祥明福', F: '芝兰芬英珍花荣云华梅贤琴香凤' },
  middle: { M: '军强涛新东刚雷勇波国华峰明辉龙斌', F: '梅华红燕娟霞萍玲艳丽秋云静' },
  young: { M: '洋峰杰宇远豪伟鹏龙飞健超博民栋华辉男航明阳', F: '婷丹琪莹雪雨晓瑶然琳玲娜慧丽颖欣楠月' },
  child: { M: '然轩宇鸣熙航文泽墨佑懿宸辰程天行豪涵睿源', F: '怡涵萱桐诺馨晴汐妍嫣彤琪若悦瑶然' },
};

const split = (table: Record<Era, Record<Sex, string>>): Record<Era, Record<Sex, string[]>> =>
  Object.fromEntries(
    Object.entries(table).map(([era, bySex]) => [era, { M: [...bySex.M], F: [...bySex.F] }]),
  ) as Record<Era, Record<Sex, string[]>>;
const FIRST = split(FIRST_CHARS);
const SECOND = split(SECOND_CHARS);

export function drawGivenName(rng: Random, sex: Sex, birthYear: number): string {
  const era = eraOf(birthYear);
  if (rng.chance(0.6)) return rng.pick(GIVEN[era][sex]);
  const first = rng.pick(FIRST[era][sex]);
  let second = rng.pick(SECOND[era][sex]);
  if (second === first) second = rng.pick(SECOND[era][sex]);
  return first + second;
}

const FOREIGN: ReadonlyArray<{
  country: string;
  surnames: string[];
  male: string[];
  female: string[];
  passport: (rng: Random) => string;
}> = [
  {
    country: '韩国',
    surnames: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'CHO', 'YOON'],
    male: ['MINJUN', 'SEOJUN', 'DOYUN', 'JIHO', 'HYUNWOO', 'SUNGMIN'],
    female: ['SEOYEON', 'JIWOO', 'HAYOON', 'MINJI', 'SOYEON', 'EUNJI'],
    passport: (rng) => `M${rng.digits(8)}`,
  },
  {
    country: '俄罗斯',
    surnames: ['IVANOV', 'SMIRNOV', 'KUZNETSOV', 'POPOV', 'SOKOLOV', 'VOLKOV'],
    male: ['ALEKSEI', 'SERGEI', 'DMITRII', 'ANDREI', 'IVAN', 'MIKHAIL'],
    female: ['OLGA', 'ELENA', 'NATALIA', 'ANNA', 'IRINA', 'TATIANA'],
    passport: (rng) => `7${rng.digits(8)}`,
  },
  {
    country: '日本',
    surnames: ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'WATANABE', 'ITO'],
    male: ['HIROSHI', 'TAKESHI', 'KENJI', 'YUTA', 'SHOTA'],
    female: ['YUKI', 'AYAKA', 'MISAKI', 'HARUKA', 'NANAMI'],
    passport: (rng) => `TK${rng.digits(7)}`,
  },
  {
    country: '蒙古国',
    surnames: ['BATBAYAR', 'GANBOLD', 'ERDENE', 'BOLD'],
    male: ['TEMUULEN', 'BATZORIG', 'GANZORIG'],
    female: ['ANUJIN', 'SARNAI', 'KHULAN'],
    passport: (rng) => `E${rng.digits(7)}`,
  },
];

/** Every Latin name part a foreign resident of the demo city may have, as their passport spells it. */
export function foreignNameParts(): string[] {
  return FOREIGN.flatMap((f) => [...f.surnames, ...f.male, ...f.female]);
}

/** Female surnames in some passports differ (Russian -a); kept simple: the family shares one stem. */
export function drawForeignFamily(rng: Random): {
  country: string;
  surname: string;
  given: (sex: Sex) => string;
  passport: () => string;
} {
  const origin = rng.pick(FOREIGN);
  const surname = rng.pick(origin.surnames);
  return {
    country: origin.country,
    surname,
    given: (sex) => rng.pick(sex === 'M' ? origin.male : origin.female),
    passport: () => origin.passport(rng),
  };
}

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99). */
export function chineseNumber(n: number): string {
  if (n < 0 || n > 99 || !Number.isInteger(n)) throw new Error(`chineseNumber: ${n} out of range`);
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones ? DIGITS[ones] : ''}`;
}

/** 第一网格, 第二网格, … */
export function gridName(index: number): string {
  return `第${chineseNumber(index)}网格`;
}

/** 3 → 3号楼 */
export function buildingName(index: number): string {
  return `${index}号楼`;
}

export function unitName(index: number): string {
  return `${index}单元`;
}

/** Floor 2, door 1 → "201". */
export function doorNumber(floor: number, door: number): string {
  return `${floor}${String(door).padStart(2, '0')}`;
}

/** Community name stems (each becomes "<stem>社区"); the named ones of the sample roster come first in their streets. */
export const COMMUNITY_STEMS: readonly string[] = [
  '龙山',
  '福兴',
  '康宁',
  '和平',
  '新兴',
  '民主',
  '胜利',
  '东升',
  '长青',
  '育才',
  '友谊',
  '永安',
  '光明',
  '建设',
  '仁和',
  '丰收',
  '华夏',
  '银河',
  '春晖',
  '安康',
  '益民',
  '新华',
  '红旗',
  '繁荣',
  '站前',
  '南山',
  '北山',
  '西河',
  '东河',
  '鑫达',
  '富民',
  '祥和',
  '振兴',
  '惠民',
  '金州',
  '阳光',
  '朝阳',
  '青年',
  '利民',
  '幸福',
  '团结',
  '文化',
  '前进',
  '东风',
  '新风',
  '天桥',
  '河畔',
  '滨河',
  '宏达',
  '永和',
  '广安',
  '瑞祥',
  '福安',
  '兴隆',
  '太平',
  '平安',
  '盛世',
  '寿山',
  '东兴',
  '西安',
];

const COMPOUND_STEMS =
  '福泰 康宁 金色 阳光 锦绣 御景 滨河 新华 鑫源 银河 春晖 世纪 和谐 安居 丽景 龙湾 翠湖 紫金 华府 盛世 泰和 东方 龙山 文苑 兴阳 仙城 福寿 永安 富康 瑞景'.split(
    ' ',
  );
const COMPOUND_SUFFIXES = '小区 家园 花园 佳苑 雅居 新城 名苑 嘉园 华庭 公寓'.split(' ');

/**
 * A deterministic list of distinct residential compound (小区) names: every stem × suffix in a
 * seeded order, then the same again as 二期, 三期, … when a very large city needs more.
 */
export function compoundNames(rng: Random, count: number): string[] {
  const base: string[] = [];
  for (const stem of COMPOUND_STEMS) for (const suffix of COMPOUND_SUFFIXES) base.push(stem + suffix);
  for (let i = base.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [base[i], base[j]] = [base[j]!, base[i]!];
  }
  const out: string[] = [];
  for (let phase = 1; out.length < count; phase++) {
    for (const name of base) {
      if (out.length >= count) break;
      out.push(phase === 1 ? name : `${name}${chineseNumber(phase)}期`);
    }
  }
  return out;
}
