// Pure validation of registry facts: resident ID numbers (GB 11643-1999), mobile numbers, person input.
import type { ErrorCode, Fault } from '../platform/errors.ts';
import { defineErrors } from '../platform/errors.ts';
import { cleanName, cleanNote } from '../platform/text.ts';
import { isDivisionCode } from './divisions.ts';

export const RegistryErrors = defineErrors({
  ID_NUMBER_FORMAT: {
    status: 400,
    zh: '身份证号格式错误：应为 18 位，前 17 位为数字，末位为数字或 X',
    en: 'ID number must be 18 characters: 17 digits and a digit or X',
  },
  ID_NUMBER_LEGACY_15: {
    status: 400,
    zh: '15 位旧身份证号不再受理，请填写 18 位身份证号',
    en: 'Legacy 15-digit ID numbers are not accepted; give the 18-digit number',
  },
  ID_NUMBER_CHECKSUM: {
    status: 400,
    zh: '身份证号校验位错误（应为 {expected}）',
    en: 'ID number check digit is wrong (expected {expected})',
  },
  ID_NUMBER_BIRTH_DATE: {
    status: 400,
    zh: '身份证号中的出生日期无效',
    en: 'The birth date inside the ID number is impossible',
  },
  ID_NUMBER_REGION: {
    status: 400,
    zh: '身份证号前两位不是有效的省级行政区划代码',
    en: 'The ID number does not start with a valid province code',
  },
  ID_NUMBER_DIVISION: {
    status: 400,
    zh: '身份证号前六位 {division} 不是 GB/T 2260 中的行政区划代码（含已撤销的）',
    en: 'The first six digits of the ID number ({division}) are not a GB/T 2260 division code, current or retired',
  },
  ID_NUMBER_SEX_MISMATCH: {
    status: 400,
    zh: '性别与身份证号不符（身份证号显示为{derived}）',
    en: 'Sex does not match the ID number (which says {derived})',
  },
  ID_NUMBER_BIRTH_MISMATCH: {
    status: 400,
    zh: '出生日期与身份证号不符（身份证号显示为 {derived}）',
    en: 'Birth date does not match the ID number (which says {derived})',
  },
  ID_NUMBER_REQUIRED: {
    status: 400,
    zh: '证件类型为{idType}时必须填写证件号',
    en: 'A document number is required for ID type {idType}',
  },
  PASSPORT_FORMAT: {
    status: 400,
    zh: '护照/证件号格式错误：应为 5–20 位字母或数字',
    en: 'Passport or document number must be 5–20 letters or digits',
  },
  PHONE_FORMAT: {
    status: 400,
    zh: '手机号格式错误：应为 11 位、以 1 开头的大陆手机号',
    en: 'Phone must be an 11-digit mainland mobile number starting with 1',
  },
  NAME_REQUIRED: { status: 400, zh: '姓名不能为空', en: 'Name is required' },
  NAME_TOO_LONG: { status: 400, zh: '姓名过长（最多 50 字）', en: 'Name is too long (50 characters at most)' },
  SEX_INVALID: { status: 400, zh: '性别应为 男 或 女', en: 'Sex must be M or F' },
  BIRTH_DATE_INVALID: { status: 400, zh: '出生日期格式应为 YYYY-MM-DD', en: 'Birth date must be YYYY-MM-DD' },
  BIRTH_DATE_OUT_OF_RANGE: {
    status: 400,
    zh: '出生日期应在 {earliest} 至今天之间',
    en: 'Birth date must lie between {earliest} and today',
  },
  ID_TYPE_INVALID: { status: 400, zh: '证件类型无效', en: 'Unknown ID type' },
  CARE_TAG_INVALID: { status: 400, zh: '未知的关爱标签：{tag}', en: 'Unknown care tag: {tag}' },
  FLAG_INVALID: { status: 400, zh: '应填 是 或 否', en: 'Must be yes or no' },
});

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
/** Province-level codes of GB/T 2260 (the first two digits of every resident ID number). */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

export type Sex = 'M' | 'F';

/** The oldest age the registry accepts (the oldest verified human lived to 122). */
export const MAX_AGE_YEARS = 120;

/** The earliest birth date the registry accepts on `today` (YYYY-MM-DD), with or without an ID number. */
export function earliestBirthDate(today: string): string {
  return `${String(Number(today.slice(0, 4)) - MAX_AGE_YEARS).padStart(4, '0')}${today.slice(4)}`;
}

export type IdCheck =
  | { ok: true; value: string; birthDate: string; sex: Sex }
  | { ok: false; code: ErrorCode; params?: Record<string, string> };

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function isValidDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Validates an 18-digit resident ID number (GB 11643-1999, ISO 7064 MOD 11-2 check character): the
 * first six digits a GB/T 2260 division code (current or retired, gb2260.tsv), the birth date
 * no more than MAX_AGE_YEARS before `today` (YYYY-MM-DD). A lowercase x is accepted and normalised.
 */
export function checkResidentId(raw: string, today: string): IdCheck {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (/^\d{15}$/.test(value)) return { ok: false, code: 'ID_NUMBER_LEGACY_15' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, code: 'ID_NUMBER_FORMAT' };
  if (!PROVINCES.has(value.slice(0, 2))) return { ok: false, code: 'ID_NUMBER_REGION' };
  if (!isDivisionCode(value.slice(0, 6)))
    return { ok: false, code: 'ID_NUMBER_DIVISION', params: { division: value.slice(0, 6) } };
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isValidDate(birthDate) || birthDate < earliestBirthDate(today) || birthDate > today)
    return { ok: false, code: 'ID_NUMBER_BIRTH_DATE' };
  const expected = checkDigit(value);
  if (value[17] !== expected) return { ok: false, code: 'ID_NUMBER_CHECKSUM', params: { expected } };
  return { ok: true, value, birthDate, sex: Number(value[16]) % 2 === 1 ? 'M' : 'F' };
}

/** Mainland mobile numbers: 11 digits starting 13–19; +86, spaces and dashes are stripped. */
export function checkMobile(raw: string): { ok: true; value: string } | { ok: false; code: 'PHONE_FORMAT' } {
  let value = raw.replace(/[\s-]/g, '');
  if (value.startsWith('+86')) value = value.slice(3);
  else if (value.startsWith('0086')) value = value.slice(4);
  return /^1[3-9]\d{9}$/.test(value) ? { ok: true, value } : { ok: false, code: 'PHONE_FORMAT' };
}

export const ID_TYPES = ['resident_id', 'passport', 'other', 'none'] as const;
export type IdType = (typeof ID_TYPES)[number];

export const CARE_TAGS = ['elderly_alone', 'bedridden', 'pregnant', 'dialysis', 'no_smartphone'] as const;
export type CareTag = (typeof CARE_TAGS)[number];

/** Person fields as they arrive (API body or roster row), before validation. */
export interface PersonFields {
  name?: string;
  idType?: string;
  idNumber?: string | null;
  sex?: string | null;
  birthDate?: string | null;
  phone?: string | null;
  relation?: string | null;
  careTags?: string[];
  note?: string | null;
}

/** A validated person, identifiers in clear (the codec seals them before storage). */
export interface PersonInput {
  name: string;
  idType: IdType;
  idNumber: string | null;
  sex: Sex | null;
  birthDate: string | null;
  phone: string | null;
  relation: string;
  careTags: CareTag[];
  note: string;
}

const SEX_WORDS: Record<string, Sex> = { M: 'M', F: 'F', 男: 'M', 女: 'F', male: 'M', female: 'F' };

function blank(v: string | null | undefined): boolean {
  return v === undefined || v === null || v.trim() === '';
}

/** Validates person fields; returns every fault found, each naming its field. */
export function validatePerson(
  f: PersonFields,
  today: string,
): { ok: true; value: PersonInput } | { ok: false; faults: Fault[] } {
  const faults: Fault[] = [];
  let name = (f.name ?? '').trim();
  const cleanedName = cleanName(name);
  if (!cleanedName.ok)
    faults.push({ field: 'name', code: cleanedName.code, params: { field: 'name', char: cleanedName.char } });
  else name = cleanedName.value;
  if (!name) faults.push({ field: 'name', code: 'NAME_REQUIRED' });
  else if ([...name].length > 50) faults.push({ field: 'name', code: 'NAME_TOO_LONG' });
  let relation = (f.relation ?? '').trim();
  const cleanedRelation = cleanName(relation);
  if (!cleanedRelation.ok)
    faults.push({
      field: 'relation',
      code: cleanedRelation.code,
      params: { field: 'relation', char: cleanedRelation.char },
    });
  else relation = cleanedRelation.value;

  let sex: Sex | null = null;
  if (!blank(f.sex)) {
    const s =
      SEX_WORDS[f.sex!.trim()] ?? SEX_WORDS[f.sex!.trim().toUpperCase()] ?? SEX_WORDS[f.sex!.trim().toLowerCase()];
    if (!s) faults.push({ field: 'sex', code: 'SEX_INVALID' });
    else sex = s;
  }
  let birthDate: string | null = null;
  if (!blank(f.birthDate)) {
    const b = f.birthDate!.trim();
    if (!isValidDate(b)) faults.push({ field: 'birthDate', code: 'BIRTH_DATE_INVALID' });
    else if (b < earliestBirthDate(today) || b > today)
      faults.push({
        field: 'birthDate',
        code: 'BIRTH_DATE_OUT_OF_RANGE',
        params: { earliest: earliestBirthDate(today) },
      });
    else birthDate = b;
  }

  const rawType = blank(f.idType) ? (blank(f.idNumber) ? 'none' : 'resident_id') : f.idType!.trim();
  let idType: IdType = 'none';
  let idNumber: string | null = null;
  if (!(ID_TYPES as readonly string[]).includes(rawType)) faults.push({ field: 'idType', code: 'ID_TYPE_INVALID' });
  else idType = rawType as IdType;
  if (idType === 'resident_id') {
    if (blank(f.idNumber)) faults.push({ field: 'idNumber', code: 'ID_NUMBER_REQUIRED', params: { idType } });
    else {
      const check = checkResidentId(f.idNumber!, today);
      if (!check.ok) faults.push({ field: 'idNumber', code: check.code, params: check.params });
      else {
        idNumber = check.value;
        if (sex && sex !== check.sex)
          faults.push({
            field: 'sex',
            code: 'ID_NUMBER_SEX_MISMATCH',
            params: { derived: check.sex === 'M' ? '男' : '女' },
          });
        if (birthDate && birthDate !== check.birthDate)
          faults.push({ field: 'birthDate', code: 'ID_NUMBER_BIRTH_MISMATCH', params: { derived: check.birthDate } });
        sex = check.sex;
        birthDate = check.birthDate;
      }
    }
  } else if (idType === 'passport' || idType === 'other') {
    const v = (f.idNumber ?? '').replace(/\s+/g, '').toUpperCase();
    if (!v) faults.push({ field: 'idNumber', code: 'ID_NUMBER_REQUIRED', params: { idType } });
    else if (!/^[A-Z0-9]{5,20}$/.test(v)) faults.push({ field: 'idNumber', code: 'PASSPORT_FORMAT' });
    else idNumber = v;
  }

  let phone: string | null = null;
  if (!blank(f.phone)) {
    const p = checkMobile(f.phone!);
    if (!p.ok) faults.push({ field: 'phone', code: p.code });
    else phone = p.value;
  }

  const careTags: CareTag[] = [];
  for (const tag of f.careTags ?? []) {
    if (!(CARE_TAGS as readonly string[]).includes(tag))
      faults.push({ field: 'careTags', code: 'CARE_TAG_INVALID', params: { tag } });
    else if (!careTags.includes(tag as CareTag)) careTags.push(tag as CareTag);
  }

  if (faults.length) return { ok: false, faults };
  return {
    ok: true,
    value: { name, idType, idNumber, sex, birthDate, phone, relation, careTags, note: cleanNote(f.note ?? '').trim() },
  };
}

/** Calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateInZone(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(ms),
  );
}

/** Whole years from a birth date (YYYY-MM-DD) to `today` (YYYY-MM-DD); null when unknown. */
export function ageOn(birthDate: string | null, today: string): number | null {
  if (!birthDate || !isValidDate(birthDate)) return null;
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** Relations that make a person the head of their household (户主 / 本人). */
const HEAD_RELATIONS = new Set(['户主', '本人', 'head', 'self']);

export function isHeadRelation(relation: string): boolean {
  return HEAD_RELATIONS.has(relation.trim().toLowerCase());
}

/** What a person search is looking for; ID and phone are matched exactly through their lookup digest. */
export type SearchQuery =
  | { kind: 'all' }
  | { kind: 'id'; candidates: Array<{ idType: IdType; idNumber: string }> }
  | { kind: 'phone'; phone: string }
  | { kind: 'name'; prefix: string };

/**
 * An 18-character resident ID (lowercase x normalised) is looked up exactly; 11 digits as a mobile
 * number; another run of 5–20 letters and digits with a digit in it as a passport or other document;
 * anything else is a name prefix.
 */
export function classifySearch(raw: string | undefined): SearchQuery {
  const q = (raw ?? '').trim();
  if (!q) return { kind: 'all' };
  const compact = q.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(compact)) return { kind: 'id', candidates: [{ idType: 'resident_id', idNumber: compact }] };
  const mobile = checkMobile(q);
  if (mobile.ok && /^[\d\s+-]+$/.test(q)) return { kind: 'phone', phone: mobile.value };
  if (/^[A-Z0-9]{5,20}$/.test(compact) && /\d/.test(compact)) {
    return {
      kind: 'id',
      candidates: [
        { idType: 'passport', idNumber: compact },
        { idType: 'other', idNumber: compact },
      ],
    };
  }
  return { kind: 'name', prefix: q };
}

// ---- buildings as residents know them -----------------------------------------------------------

/**
 * A building as a citizen names it: its compound (小区) and its name, "瑞景家园 1号楼"; the name alone
 * when the compound is not known (or the name already starts with it).
 */
export function buildingLabel(compound: string | null | undefined, name: string): string {
  const c = (compound ?? '').trim();
  if (!c || name.startsWith(c)) return name;
  return `${c} ${name}`;
}

/** A building search split into what it asks: words of the compound or name, and building numbers. */
export interface BuildingSearch {
  /** Words that must each appear in the compound or the name ("瑞景", "家园"). */
  words: string[];
  /** Building numbers: "1", "1号楼", "1栋" and "1号" all ask for building 1. */
  numbers: string[];
}

const BUILDING_NUMBER = /^(\d{1,4})(?:号楼|号|栋|幢|座|楼)?$/;

/**
 * Reads a building search ("瑞景 1", "瑞景家园1号楼", "1栋"): numbers (with or without 号楼) are
 * building numbers; a number glued to a word is split from it; everything else is a word.
 */
export function parseBuildingSearch(raw: string | undefined): BuildingSearch {
  const out: BuildingSearch = { words: [], numbers: [] };
  const text = (raw ?? '').normalize('NFKC').trim().slice(0, 100);
  if (!text) return out;
  // "瑞景家园1号楼" → "瑞景家园 1号楼": a number following letters starts its own token.
  const tokens = text
    .replace(/([^\d\s])(\d)/g, '$1 $2')
    .split(/\s+/)
    .filter(Boolean);
  for (const token of tokens) {
    const m = BUILDING_NUMBER.exec(token);
    if (m) out.numbers.push(String(Number(m[1])));
    else out.words.push(token);
  }
  return out;
}

/** The names a building numbered `n` goes by in rosters: 1, 1号楼, 1号, 1栋, 1幢, 1座. */
export function buildingNumberNames(n: string): string[] {
  return [n, `${n}号楼`, `${n}号`, `${n}栋`, `${n}幢`, `${n}座`];
}

/** GB/T 2260 division codes (gb2260.tsv), for other domains' checks of a county code. */
export { isDivisionCode, divisionName } from './divisions.ts';
