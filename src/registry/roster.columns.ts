// The household roster (户籍花名册) as a sheet: its columns in Chinese and English, matching a file's
// header row to them, and reading one row's cells into person fields and a place. Pure: no I/O.
import { defineErrors, type Fault, type Lang } from '../platform/errors.ts';
import { unguardFormula } from '../platform/tabular.ts';
import { cleanName } from '../platform/text.ts';
import type { CareTag, IdType, PersonFields } from './registry.rules.ts';

export const RosterErrors = defineErrors({
  ROSTER_FORMAT: { status: 415, zh: '只能导入 .csv 或 .xlsx 文件', en: 'Only .csv and .xlsx files can be imported' },
  ROSTER_FILE_REQUIRED: {
    status: 400,
    zh: '请上传花名册文件（表单字段“file”）',
    en: 'Upload the roster file (form field "file")',
  },
  ROSTER_ENCODING: {
    status: 400,
    zh: '文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后重试',
    en: 'The file is not UTF-8: save it as "CSV UTF-8" or .xlsx and try again',
  },
  ROSTER_UNREADABLE: {
    status: 400,
    zh: '无法读取文件，请检查文件是否完整后重试',
    en: 'The file cannot be read; check that it is complete and try again',
  },
  ROSTER_XLSX_INVALID: {
    status: 400,
    zh: '文件不是有效的 .xlsx 表格（可能已损坏，或是改了扩展名的其他文件）：请在 Excel 中另存为 .xlsx 或“CSV UTF-8”后重试',
    en: 'The file is not a valid .xlsx workbook (it may be damaged, or another kind of file renamed): save it from Excel as .xlsx or "CSV UTF-8" and try again',
  },
  ROSTER_CSV_INVALID: {
    status: 400,
    zh: 'CSV 文件第 {line} 行附近的引号或分隔符有误，无法读取',
    en: 'The CSV file cannot be read: quotes or separators are wrong near line {line}',
  },
  ROSTER_HEADER: { status: 400, zh: '表头缺少必填列：{missing}', en: 'The header lacks required columns: {missing}' },
  ROSTER_UNKNOWN_COLUMNS: {
    status: 200,
    zh: '以下列无法识别，已忽略：{columns}',
    en: 'These columns are not recognised and were ignored: {columns}',
  },
  ROSTER_INVALID: {
    status: 422,
    zh: '花名册有 {count} 处错误，未导入任何数据',
    en: 'The roster has {count} errors; nothing was imported',
  },
  ROSTER_CONFLICT: {
    status: 409,
    zh: '导入期间登记信息已被他人修改，请重新导入',
    en: 'The registry changed during the import; run it again',
  },
  ROSTER_NUMBER_CELL: {
    status: 400,
    zh: '该单元格在表格中存为数字，超过 15 位的数字已丢失精度：请将此列设为“文本”格式后重新填写',
    en: 'This cell is stored as a number and digits beyond 15 are lost: format the column as text and enter it again',
  },
  COMMUNITY_REQUIRED: { status: 400, zh: '必须填写社区', en: 'The community is required' },
  AREA_UNKNOWN: { status: 400, zh: '找不到区域“{name}”', en: 'No area named "{name}"' },
  AREA_AMBIGUOUS: {
    status: 400,
    zh: '有多个名为“{name}”的区域，请由上级区域的账号导入',
    en: 'Several areas are named "{name}"; import from an account scoped below their common parent',
  },
  ADDRESS_REQUIRED: {
    status: 400,
    zh: '必须填写楼栋和门牌号，或填写地址',
    en: 'Give the building and door, or an address',
  },
  ID_NUMBER_DUPLICATE_IN_FILE: {
    status: 400,
    zh: '证件号与第 {otherRow} 行重复',
    en: 'The ID number repeats row {otherRow}',
  },
  HEAD_NAME_MISMATCH: {
    status: 400,
    zh: '与户主关系为“本人”，但姓名与户主姓名“{head}”不一致',
    en: 'Relation is self, but the name differs from the head of household "{head}"',
  },
  HEAD_DUPLICATE: {
    status: 400,
    zh: '同一户已有“本人”（第 {otherRow} 行）',
    en: 'The household already has its head on row {otherRow}',
  },
  HOUSEHOLD_HEAD_MISMATCH: {
    status: 400,
    zh: '{address} 已登记的户主是“{head}”，与文件中的户主不符：请核对地址和户主，或选择“户主不符时新建一户”',
    en: '{address} is already registered with head of household "{head}", who is not the head in the file: check the address and head, or choose to create a new household when heads differ',
  },
  HOUSEHOLD_NEW_AT_ADDRESS: {
    status: 200,
    zh: '{address} 已有户主为“{head}”的一户，本行将登记为同一地址的新一户',
    en: '{address} already has a household headed by "{head}"; this row goes into a new household at the same address',
  },
});

export type ColumnKey =
  | 'seq'
  | 'community'
  | 'grid'
  | 'building'
  | 'unit'
  | 'door'
  | 'head'
  | 'relation'
  | 'name'
  | 'sex'
  | 'idNumber'
  | 'phone'
  | 'elderlyAlone'
  | 'bedridden'
  | 'hasSmartphone'
  | 'note'
  | 'idType'
  | 'birthDate'
  | 'pregnant'
  | 'dialysis'
  | 'address'
  | 'compound'
  | 'headIdNumber';

interface ColumnSpec {
  key: ColumnKey;
  zh: string;
  en: string;
  /** Other header texts people write for the same column. */
  aliases?: string[];
  /** Read on import, never written on export (an identifier of someone other than the row's person). */
  importOnly?: boolean;
}

/** In export order: the standard sixteen columns, then the optional ones. */
export const ROSTER_COLUMNS: readonly ColumnSpec[] = [
  { key: 'seq', zh: '序号', en: 'No', aliases: ['No.', '#'] },
  { key: 'community', zh: '社区', en: 'Community', aliases: ['所属社区'] },
  { key: 'grid', zh: '网格', en: 'Grid', aliases: ['所属网格'] },
  { key: 'building', zh: '楼栋', en: 'Building', aliases: ['楼号', '楼栋号'] },
  { key: 'unit', zh: '单元', en: 'Unit', aliases: ['单元号'] },
  { key: 'door', zh: '门牌号', en: 'Door', aliases: ['房号', '室', 'Room'] },
  { key: 'head', zh: '户主姓名', en: 'Head of household', aliases: ['户主'] },
  { key: 'relation', zh: '与户主关系', en: 'Relation', aliases: ['Relation to head'] },
  { key: 'name', zh: '姓名', en: 'Name' },
  { key: 'sex', zh: '性别', en: 'Sex', aliases: ['Gender'] },
  { key: 'idNumber', zh: '身份证号', en: 'ID number', aliases: ['身份证号码', '证件号码', '证件号', 'ID'] },
  { key: 'phone', zh: '联系电话', en: 'Phone', aliases: ['手机号', '手机号码', '电话', 'Mobile'] },
  { key: 'elderlyAlone', zh: '是否独居老人', en: 'Elderly living alone', aliases: ['独居老人'] },
  { key: 'bedridden', zh: '是否卧床', en: 'Bedridden', aliases: ['卧床'] },
  { key: 'hasSmartphone', zh: '是否有智能手机', en: 'Has smartphone', aliases: ['有无智能手机'] },
  { key: 'note', zh: '备注', en: 'Note', aliases: ['Notes'] },
  { key: 'idType', zh: '证件类型', en: 'ID type' },
  { key: 'birthDate', zh: '出生日期', en: 'Birth date', aliases: ['出生年月日', 'Date of birth'] },
  { key: 'pregnant', zh: '是否孕妇', en: 'Pregnant', aliases: ['孕妇'] },
  { key: 'dialysis', zh: '是否透析', en: 'Dialysis', aliases: ['透析'] },
  { key: 'address', zh: '地址', en: 'Address', aliases: ['住址', '家庭住址'] },
  /** The residential compound (小区) of the building, as residents name it: 瑞景家园. */
  { key: 'compound', zh: '小区', en: 'Compound', aliases: ['小区名称', '所属小区', 'Estate', 'Residential compound'] },
  {
    key: 'headIdNumber',
    zh: '户主证件号',
    en: 'Head ID number',
    aliases: ['户主身份证号', '户主身份证号码', '户主证件号码'],
    importOnly: true,
  },
];

/** The columns an export writes, in order. */
export const EXPORT_COLUMNS: readonly ColumnSpec[] = ROSTER_COLUMNS.filter((c) => !c.importOnly);

const BY_HEADER = new Map<string, ColumnKey>();
for (const c of ROSTER_COLUMNS) {
  for (const text of [c.zh, c.en, ...(c.aliases ?? [])]) BY_HEADER.set(normaliseHeader(text), c.key);
}

function normaliseHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

export function columnTitle(key: ColumnKey, lang: Lang): string {
  const spec = ROSTER_COLUMNS.find((c) => c.key === key)!;
  return lang === 'en' ? spec.en : spec.zh;
}

/** Where each known column sits in the file, and its header text as written there. */
export interface HeaderMap {
  index: Partial<Record<ColumnKey, number>>;
  title: Partial<Record<ColumnKey, string>>;
  /** Header texts that name no roster column (reported once as a warning). */
  unknown: string[];
  /** The language most of the header is written in. */
  lang: Lang;
  /** The header cells as written, for the rejects file. */
  cells: string[];
}

export type HeaderResult = { ok: true; header: HeaderMap } | { ok: false; missing: string[]; lang: Lang };

/** Matches a header row (trimmed, case-insensitive). Name, community and a place (building and door, or address) are required. */
export function mapHeader(cells: string[]): HeaderResult {
  const index: HeaderMap['index'] = {};
  const title: HeaderMap['title'] = {};
  const unknown: string[] = [];
  let zh = 0;
  let en = 0;
  cells.forEach((cell, i) => {
    const text = cell.replace(/^\uFEFF/, '').trim();
    if (!text) return;
    const key = BY_HEADER.get(normaliseHeader(text));
    if (!key || index[key] !== undefined) {
      if (!key) unknown.push(text);
      return;
    }
    index[key] = i;
    title[key] = text;
    if (/[\u4e00-\u9fff]/.test(text)) zh++;
    else en++;
  });
  const lang: Lang = en > zh ? 'en' : 'zh';
  const missing: string[] = [];
  if (index.name === undefined) missing.push(columnTitle('name', lang));
  if (index.community === undefined) missing.push(columnTitle('community', lang));
  const hasPlace = (index.building !== undefined && index.door !== undefined) || index.address !== undefined;
  if (!hasPlace) {
    if (index.building === undefined) missing.push(columnTitle('building', lang));
    if (index.door === undefined) missing.push(columnTitle('door', lang));
  }
  if (missing.length) return { ok: false, missing, lang };
  return { ok: true, header: { index, title, unknown, lang, cells } };
}

const YES = new Set(['是', '有', 'yes', 'y', '1', 'true', '√', '✓']);
const NO = new Set(['否', '无', '没有', 'no', 'n', '0', 'false', '×']);

/** 是/否, yes/no, Y/N, 1/0, true/false; blank → null; anything else → undefined. */
export function parseFlag(raw: string | undefined): boolean | null | undefined {
  const v = (raw ?? '').trim().toLowerCase();
  if (!v) return null;
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  return undefined;
}

const ID_TYPE_WORDS: Record<string, IdType> = {
  resident_id: 'resident_id',
  身份证: 'resident_id',
  居民身份证: 'resident_id',
  'resident id': 'resident_id',
  passport: 'passport',
  护照: 'passport',
  other: 'other',
  其他: 'other',
  其他证件: 'other',
  none: 'none',
  无: 'none',
  无证件: 'none',
};

export const ID_TYPE_TITLES: Record<IdType, { zh: string; en: string }> = {
  resident_id: { zh: '居民身份证', en: 'resident_id' },
  passport: { zh: '护照', en: 'passport' },
  other: { zh: '其他', en: 'other' },
  none: { zh: '无', en: 'none' },
};

/** Where a row's person lives, as written. */
export interface RowPlace {
  community: string;
  grid: string;
  /** The building's residential compound (小区); '' when the file has no such column. */
  compound: string;
  building: string;
  unit: string;
  door: string;
  address: string;
  head: string;
  /** The head's ID number as the file gives it ('' when not given). */
  headIdNumber: string;
}

export interface ParsedRow {
  fields: PersonFields;
  place: RowPlace;
  /** Faults found while reading cells (flags, ID type, numbers a sheet stored imprecisely). */
  faults: Fault[];
}

const FLAG_TAGS: Array<[ColumnKey, CareTag, boolean]> = [
  ['elderlyAlone', 'elderly_alone', true],
  ['bedridden', 'bedridden', true],
  ['pregnant', 'pregnant', true],
  ['dialysis', 'dialysis', true],
  // 是否有智能手机 = 否 → no_smartphone
  ['hasSmartphone', 'no_smartphone', false],
];

/**
 * Reads one data row. `row` is the sheet row number; `imprecise` lists cell indexes a spreadsheet
 * stored as numbers too long to be exact (an 18-digit ID typed into a number cell).
 */
export function parseRow(
  header: HeaderMap,
  cells: string[],
  row: number,
  imprecise: readonly number[] = [],
): ParsedRow {
  const cell = (key: ColumnKey): string => {
    const i = header.index[key];
    return i === undefined ? '' : unguardFormula((cells[i] ?? '').trim());
  };
  const faults: Fault[] = [];
  // Places are names: NFC, and a control or bidirectional character is the cell's fault (platform/text.ts).
  const placeCell = (key: ColumnKey): string => {
    const check = cleanName(cell(key));
    if (check.ok) return check.value;
    faults.push({
      row,
      column: header.title[key],
      code: check.code,
      params: { field: header.title[key] ?? key, char: check.char },
    });
    return cell(key);
  };
  const careTags: string[] = [];
  for (const [key, tag, when] of FLAG_TAGS) {
    if (header.index[key] === undefined) continue;
    const flag = parseFlag(cell(key));
    if (flag === undefined)
      faults.push({ row, column: header.title[key], code: 'FLAG_INVALID', params: { value: cell(key) } });
    else if (flag === when) careTags.push(tag);
  }
  let idType: string | undefined;
  const typeText = cell('idType');
  if (typeText) {
    idType = ID_TYPE_WORDS[typeText.toLowerCase()];
    if (!idType)
      faults.push({ row, column: header.title.idType, code: 'ID_TYPE_INVALID', params: { value: typeText } });
  }
  for (const key of ['idNumber', 'phone'] as const) {
    const i = header.index[key];
    if (i !== undefined && imprecise.includes(i))
      faults.push({ row, column: header.title[key], code: 'ROSTER_NUMBER_CELL' });
  }
  return {
    fields: {
      name: cell('name'),
      idType,
      idNumber: cell('idNumber') || null,
      sex: cell('sex') || null,
      birthDate: cell('birthDate') || null,
      phone: cell('phone') || null,
      relation: cell('relation'),
      careTags,
      note: cell('note'),
    },
    place: {
      community: placeCell('community'),
      grid: placeCell('grid'),
      compound: placeCell('compound'),
      building: placeCell('building'),
      unit: placeCell('unit'),
      door: placeCell('door'),
      address: placeCell('address'),
      head: placeCell('head'),
      headIdNumber: cell('headIdNumber').toUpperCase(),
    },
    faults,
  };
}

/** Which column a validatePerson field fault belongs to. */
export const FIELD_COLUMN: Record<string, ColumnKey> = {
  name: 'name',
  idType: 'idType',
  idNumber: 'idNumber',
  sex: 'sex',
  birthDate: 'birthDate',
  phone: 'phone',
  relation: 'relation',
  careTags: 'note',
};

/** The header text for a fault on a field: the column as written, or the idNumber column when a derived value disagrees. */
export function columnOfField(header: HeaderMap, field: string | undefined): string | undefined {
  const key = field ? FIELD_COLUMN[field] : undefined;
  if (!key) return undefined;
  return header.title[key] ?? header.title.idNumber ?? columnTitle(key, header.lang);
}

/** A household's address when the file gives none: 3号楼1单元101. */
export function composeAddress(place: Pick<RowPlace, 'building' | 'unit' | 'door'>): string {
  return `${place.building}${place.unit}${place.door}`;
}
