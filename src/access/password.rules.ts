// How guessable a password is: the minimum length, then the zxcvbn-ts estimator with its common
// password and English dictionaries, a short list of passwords and words Chinese users often pick
// (no zxcvbn-ts dictionary for Chinese or pinyin is published), and the account's own username and
// name. Pure: no I/O. The estimator builds its dictionaries once, on first use (about 0.1 s).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

export const PASSWORD_MIN_LENGTH = 10;
/**
 * The lowest zxcvbn score (0–4) a password may have. 3 is "safely unguessable: moderate protection from
 * an offline slow-hash scenario" (about 10^8 guesses and more); Cordon stores scrypt hashes.
 */
export const PASSWORD_MIN_SCORE = 3;

/**
 * Passwords and words common among Chinese users that the English and common dictionaries miss or
 * rank too low: leaked-list favourites, pinyin of love phrases, the commonest surnames and given
 * names, and words of this deployment's own trade. Lower case; ranked roughly by frequency.
 */
const CHINESE_COMMON = [
  'woaini',
  '5201314',
  '1314520',
  'woaini1314',
  'aini1314',
  '520520',
  '1314',
  'iloveyou',
  'wodemima',
  'mima',
  'zhongguo',
  'china',
  'beijing',
  'shanghai',
  'guangzhou',
  'shenzhen',
  'tianjin',
  'chongqing',
  'wuhan',
  'jilin',
  'liaoyuan',
  'changchun',
  'laopo',
  'laogong',
  'baobei',
  'qinai',
  'xiaobao',
  'nihao',
  'haoren',
  'xiaoming',
  'xiaohong',
  'xiaoqiang',
  'xiaolong',
  'tiantian',
  'kuaile',
  'xingfu',
  'pingan',
  'fangyi',
  'yiqing',
  'hesuan',
  'jiankangma',
  'kouzhao',
  'geli',
  'fengkong',
  'shequ',
  'wangge',
  'zhihuibu',
  'cordon',
  'qq123456',
  'dearbook',
  'xiazhili',
  'a123456',
  'a123456789',
  'abc123456',
  'qwe123456',
  '1qaz2wsx',
  'qazwsxedc',
  '147258369',
  '789456123',
  '123654789',
  '110110110',
  '31415926',
  'zhangwei',
  'wangwei',
  'wangfang',
  'liwei',
  'lina',
  'zhangmin',
  'lijing',
  'wangjing',
  'liuwei',
  'wangxiuying',
  'zhangli',
  'lixiuying',
  'wanglei',
  'zhangjing',
  'lijun',
  'liuyang',
  'wangyong',
  'wang',
  'li',
  'zhang',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhao',
  'zhou',
  'xu',
  'sun',
  'ma',
  'zhu',
  'hu',
  'guo',
  'he',
  'lin',
  'gao',
  'luo',
  'zheng',
  'liang',
  'xie',
  'song',
  'tang',
  'han',
  'feng',
  'deng',
  'cao',
  'peng',
  'zeng',
];

let estimator: ZxcvbnFactory | null = null;

function estimatorOf(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary, chineseCommon: CHINESE_COMMON },
    graphs: common.adjacencyGraphs,
    // No translations: feedback comes back as stable keys (e.g. "simpleRepeat"), translated below.
  });
  return estimator;
}

/** Builds the estimator now (a server calls this at start so the first sign-up is not the slow one). */
export function warmPasswordEstimator(): void {
  estimatorOf();
}

/** Why a guessable password is refused: zxcvbn's warning key, in both languages. */
const WARNINGS: Record<string, { zh: string; en: string }> = {
  straightRow: { zh: '键盘上连成一排的键', en: 'a straight row of keys' },
  keyPattern: { zh: '简单的键盘图案', en: 'a short keyboard pattern' },
  simpleRepeat: { zh: '重复的字符,如 "aaa"', en: 'repeated characters like "aaa"' },
  extendedRepeat: { zh: '重复的字符组合,如 "abcabc"', en: 'repeated groups like "abcabc"' },
  sequences: { zh: '连续的字符,如 "abc" 或 "123"', en: 'sequences like "abc" or "123"' },
  recentYears: { zh: '近年的年份', en: 'recent years' },
  dates: { zh: '日期', en: 'dates' },
  topTen: { zh: '最常用的十个密码之一', en: 'one of the ten most used passwords' },
  topHundred: { zh: '最常用的一百个密码之一', en: 'one of the hundred most used passwords' },
  common: { zh: '常用密码', en: 'a commonly used password' },
  similarToCommon: { zh: '与常用密码相似', en: 'similar to a commonly used password' },
  wordByItself: { zh: '单个常见词', en: 'a single common word' },
  namesByThemselves: { zh: '单独的姓名', en: 'names on their own' },
  commonNames: { zh: '常见的姓名', en: 'common names' },
  userInputs: { zh: '用户名或姓名', en: 'the username or name' },
  pwned: { zh: '已在数据泄露中出现', en: 'found in a data breach' },
};
const NO_WARNING = { zh: '组合太简单', en: 'too simple a combination' };

export type PasswordVerdict =
  | { ok: true; score: number }
  | { ok: false; code: 'PASSWORD_WEAK'; params: { min: number } }
  | {
      ok: false;
      code: 'PASSWORD_GUESSABLE';
      score: number;
      params: { warning: string; reasonZh: string; reasonEn: string; minScore: number };
    };

/**
 * Whether a password may be set: at least PASSWORD_MIN_LENGTH characters (counted as characters, not
 * bytes), and a zxcvbn score of at least PASSWORD_MIN_SCORE with the account's own words (username,
 * name, phone) treated as known to an attacker.
 */
export function judgePassword(
  password: string,
  userInputs: readonly (string | null | undefined)[] = [],
): PasswordVerdict {
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return { ok: false, code: 'PASSWORD_WEAK', params: { min: PASSWORD_MIN_LENGTH } };
  const inputs = userInputs
    .flatMap((v) => (v ? [v.trim().toLowerCase(), ...v.toLowerCase().split(/[\s._@-]+/)] : []))
    .filter((v) => v.length >= 3);
  const result = estimatorOf().check(password, inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return { ok: true, score: result.score };
  const warning = result.feedback.warning ?? '';
  const reason = WARNINGS[warning] ?? NO_WARNING;
  return {
    ok: false,
    code: 'PASSWORD_GUESSABLE',
    score: result.score,
    params: { warning: warning || 'none', reasonZh: reason.zh, reasonEn: reason.en, minScore: PASSWORD_MIN_SCORE },
  };
}
