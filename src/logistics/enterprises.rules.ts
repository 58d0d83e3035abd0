// Pure checks of enterprises, their vehicles and drivers: the unified social credit code (GB 32100-2015)
// with its check character, mainland number plates (GA 36: the 7-character plates, the 8-character
// new-energy plates and the trailer plates ending 挂, allowed only on a tractor-trailer), licence
// classes and the enterprise categories. No I/O.

export const ENTERPRISE_CATEGORIES = [
  'supply_whitelist', // 保供白名单企业
  'medical_supplies', // 医疗物资
  'food', // 食品
  'energy', // 能源
  'production_materials', // 生产物资
] as const;
export type EnterpriseCategory = (typeof ENTERPRISE_CATEGORIES)[number];

export const ENTERPRISE_STATUSES = ['active', 'suspended'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];

export const VEHICLE_TYPES = [
  'truck', // 普通货车
  'van', // 厢式货车
  'refrigerated', // 冷藏车
  'tanker', // 罐式货车
  'tractor_trailer', // 半挂牵引车（带挂车）
  'light_truck', // 轻型货车
] as const;
export type VehicleType = (typeof VEHICLE_TYPES)[number];

export const VEHICLE_STATUSES = ['active', 'retired'] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

/** Driving licence classes (GA 1026 / 机动车驾驶证准驾车型) that may drive a goods vehicle. */
export const LICENCE_CLASSES = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
export type LicenceClass = (typeof LICENCE_CLASSES)[number];

// ---- unified social credit code (统一社会信用代码, GB 32100-2015) ---------------------------------

/** The 31 characters of the code: digits and capitals without I, O, S, V, Z. */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** First character: the registering authority (机构编制 1, 外交 2, 司法行政 3, 文化 4, 民政 5, 旅游 6, 宗教 7, 工会 8, 工商 9, 其他 A–N, Y). */
const CREDIT_AUTHORITY = /^[1-9A-HJ-NY]$/;

/** The check character of the first 17 characters (mod 31 over the weights 3^i mod 31). */
export function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

export type CreditCodeCheck =
  | { ok: true; value: string; division: string }
  | { ok: false; code: 'CREDIT_CODE_FORMAT' | 'CREDIT_CODE_CHECKSUM'; expected?: string };

/**
 * An 18-character code: authority, type, the 6-digit division code of the registering office, the
 * 9-character organisation code and the check character. Spaces are dropped and letters upper-cased.
 */
export function checkCreditCode(raw: string): CreditCodeCheck {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (value.length !== 18 || ![...value].every((c) => CREDIT_CODE_CHARS.includes(c)))
    return { ok: false, code: 'CREDIT_CODE_FORMAT' };
  if (!CREDIT_AUTHORITY.test(value[0]!) || !/^\d{6}$/.test(value.slice(2, 8)))
    return { ok: false, code: 'CREDIT_CODE_FORMAT' };
  const expected = creditCheckChar(value);
  if (value[17] !== expected) return { ok: false, code: 'CREDIT_CODE_CHECKSUM', expected };
  return { ok: true, value, division: value.slice(2, 8) };
}

// ---- number plates (机动车号牌) ---------------------------------------------------------------

/** The one-character abbreviations of the 31 mainland provinces, regions and municipalities. */
export const PROVINCE_ABBREVIATIONS = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

export type PlateKind = 'standard' | 'new_energy' | 'trailer';

export type PlateCheck =
  { ok: true; value: string; kind: PlateKind } | { ok: false; code: 'PLATE_FORMAT' | 'PLATE_PROVINCE' };

/** Letters of the issuing office and of serials: capitals without I and O (they read as 1 and 0). */
const L = 'A-HJ-NP-Z';
const STANDARD = new RegExp(`^[${L}][${L}0-9]{5}$`);
/** Small new-energy: D (battery) or F (hybrid), then a letter or digit and four digits; large: five digits then D or F. */
const NEW_ENERGY = new RegExp(`^[${L}](?:[DF][${L}0-9]\\d{4}|\\d{5}[DF])$`);
const TRAILER = new RegExp(`^[${L}][${L}0-9]{4}挂$`);

/** Drops spaces, the middle dot and dashes, upper-cases: "吉D·12345" → "吉D12345". */
export function normalisePlate(raw: string): string {
  return raw.replace(/[\s·•.\-－]/g, '').toUpperCase();
}

/** A mainland plate: province abbreviation, issuing office letter, serial; 7 characters, 8 for new energy. */
export function checkPlate(raw: string): PlateCheck {
  const value = normalisePlate(raw);
  const chars = [...value];
  if (chars.length < 7 || chars.length > 8) return { ok: false, code: 'PLATE_FORMAT' };
  if (!PROVINCE_ABBREVIATIONS.includes(chars[0]!)) return { ok: false, code: 'PLATE_PROVINCE' };
  const rest = chars.slice(1).join('');
  if (chars.length === 8) return NEW_ENERGY.test(rest) ? { ok: true, value, kind: 'new_energy' } : bad();
  if (TRAILER.test(rest)) return { ok: true, value, kind: 'trailer' };
  return STANDARD.test(rest) ? { ok: true, value, kind: 'standard' } : bad();
}

function bad(): PlateCheck {
  return { ok: false, code: 'PLATE_FORMAT' };
}

export type VehicleCheck =
  | { ok: true; plate: string; plateKind: PlateKind; trailerPlate: string | null }
  | {
      ok: false;
      field: 'plate' | 'trailerPlate';
      code: 'PLATE_FORMAT' | 'PLATE_PROVINCE' | 'PLATE_TRAILER_MISPLACED' | 'PLATE_TRAILER_REQUIRED';
    };

/**
 * A vehicle's plates by its type: the motor vehicle's own plate is never a trailer plate; a trailer
 * plate (…挂) is given for a tractor-trailer only, and a tractor-trailer needs one.
 */
export function checkVehiclePlates(type: VehicleType, plate: string, trailerPlate?: string | null): VehicleCheck {
  const own = checkPlate(plate);
  if (!own.ok) return { ok: false, field: 'plate', code: own.code };
  if (own.kind === 'trailer') return { ok: false, field: 'plate', code: 'PLATE_TRAILER_MISPLACED' };
  const given = trailerPlate?.trim();
  if (type !== 'tractor_trailer') {
    if (given) return { ok: false, field: 'trailerPlate', code: 'PLATE_TRAILER_MISPLACED' };
    return { ok: true, plate: own.value, plateKind: own.kind, trailerPlate: null };
  }
  if (!given) return { ok: false, field: 'trailerPlate', code: 'PLATE_TRAILER_REQUIRED' };
  const trailer = checkPlate(given);
  if (!trailer.ok) return { ok: false, field: 'trailerPlate', code: trailer.code };
  if (trailer.kind !== 'trailer') return { ok: false, field: 'trailerPlate', code: 'PLATE_TRAILER_REQUIRED' };
  return { ok: true, plate: own.value, plateKind: own.kind, trailerPlate: trailer.value };
}

/**
 * Whether a licence class may drive the vehicle type: a tractor-trailer needs A2; a medium or heavy
 * goods vehicle B2 or a class that covers it (A1, A2); a light truck any class here.
 */
export function licenceCovers(licence: LicenceClass, type: VehicleType): boolean {
  if (type === 'tractor_trailer') return licence === 'A2';
  if (type === 'light_truck') return true;
  return licence !== 'C1' && licence !== 'C2';
}
