// Error codes of enterprises, vehicles and drivers, and the request and answer shapes of their routes.
// Answers carry contact and driver phones and ID numbers masked; the sealed columns never leave.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, Nullable } from '../platform/http.ts';
import {
  ENTERPRISE_CATEGORIES,
  ENTERPRISE_STATUSES,
  LICENCE_CLASSES,
  VEHICLE_STATUSES,
  VEHICLE_TYPES,
} from './enterprises.rules.ts';

export const LogisticsErrors = defineErrors({
  CREDIT_CODE_FORMAT: {
    status: 400,
    zh: '统一社会信用代码格式错误：应为 18 位数字或大写字母（不含易混淆的五个字母），第 3 至 8 位为行政区划代码',
    en: 'A unified social credit code is 18 digits or capitals (no I, O, S, V, Z), characters 3–8 a division code',
  },
  CREDIT_CODE_CHECKSUM: {
    status: 400,
    zh: '统一社会信用代码校验位错误（应为 {expected}）',
    en: 'The check character of the unified social credit code is wrong (expected {expected})',
  },
  CREDIT_CODE_TAKEN: {
    status: 409,
    zh: '该统一社会信用代码的企业已登记',
    en: 'An enterprise with this credit code is already registered',
  },
  PLATE_FORMAT: {
    status: 400,
    zh: '车牌号格式错误：应为省份简称加 6 位（新能源 7 位）字母或数字，挂车以“挂”结尾',
    en: 'A plate is a province abbreviation and 6 letters or digits (7 for new energy); a trailer plate ends in 挂',
  },
  PLATE_PROVINCE: {
    status: 400,
    zh: '车牌号首字不是省级行政区简称',
    en: 'A plate starts with a province abbreviation',
  },
  PLATE_TRAILER_MISPLACED: {
    status: 400,
    zh: '挂车号牌只用于半挂牵引车的挂车',
    en: 'A trailer plate (…挂) belongs on the trailer of a tractor-trailer only',
  },
  PLATE_TRAILER_REQUIRED: {
    status: 400,
    zh: '半挂牵引车须填写挂车号牌（以“挂”结尾）',
    en: 'A tractor-trailer needs its trailer plate (ending in 挂)',
  },
  PLATE_TAKEN: { status: 409, zh: '该车牌号的车辆已登记', en: 'A vehicle with this plate is already registered' },
  DIVISION_CODE_INVALID: {
    status: 400,
    zh: '{field} 不是县级行政区划代码（GB/T 2260，6 位）',
    en: '{field} is not a county-level division code (GB/T 2260, 6 digits)',
  },
  ENTERPRISE_NOT_FOUND: { status: 404, zh: '找不到该企业', en: 'Enterprise not found' },
  ENTERPRISE_AREA_NO_COUNTY: {
    status: 400,
    zh: '企业须登记在区县或其下的区域，以确定发证的区县',
    en: 'An enterprise is registered in a county or below, which names the county that issues its passes',
  },
  ENTERPRISE_SUSPENDED: { status: 409, zh: '该企业已暂停，不能办理', en: 'The enterprise is suspended' },
  ENTERPRISE_ACCOUNT_UNLINKED: {
    status: 403,
    zh: '该账号未关联企业，请联系管理员',
    en: 'This account is linked to no enterprise: ask an administrator',
  },
  VEHICLE_NOT_FOUND: { status: 404, zh: '找不到该车辆', en: 'Vehicle not found' },
  DRIVER_NOT_FOUND: { status: 404, zh: '找不到该驾驶员', en: 'Driver not found' },
  DRIVER_TAKEN: {
    status: 409,
    zh: '该驾驶员已在本企业登记',
    en: 'This driver is already registered with the enterprise',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
export const IdParams = Type.Object({ id: Id });

export const EnterpriseBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 100 }),
    creditCode: Type.String({ minLength: 1, maxLength: 40 }),
    category: Literals(ENTERPRISE_CATEGORIES),
    areaId: Id,
    address: Type.Optional(NameText({ maxLength: 200 })),
    contactName: NameText({ minLength: 1, maxLength: 50 }),
    contactPhone: Type.String({ minLength: 1, maxLength: 20 }),
  },
  { additionalProperties: false },
);
export type EnterpriseBody = Static<typeof EnterpriseBody>;

export const EnterpriseListQuery = Type.Object({
  category: Type.Optional(Literals(ENTERPRISE_CATEGORIES)),
  areaId: Type.Optional(Id),
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export type EnterpriseListQuery = Static<typeof EnterpriseListQuery>;

export const EnterpriseSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  creditCode: Type.String(),
  category: Literals(ENTERPRISE_CATEGORIES),
  areaId: Type.String(),
  areaName: Type.String(),
  county: Type.String(),
  countyName: Nullable(Type.String()),
  address: Type.String(),
  contactName: Type.String(),
  /** Masked. */
  contactPhone: Type.String(),
  status: Literals(ENTERPRISE_STATUSES),
  vehicles: Type.Integer(),
  drivers: Type.Integer(),
  createdAt: Type.Integer(),
});
export type EnterpriseView = Static<typeof EnterpriseSchema>;

export const VehicleBody = Type.Object(
  {
    plate: Type.String({ minLength: 1, maxLength: 20 }),
    trailerPlate: Type.Optional(Type.String({ maxLength: 20 })),
    type: Literals(VEHICLE_TYPES),
    /** Rated load in kilograms. */
    loadKg: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export type VehicleBody = Static<typeof VehicleBody>;

export const VehicleSchema = Type.Object({
  id: Type.String(),
  enterpriseId: Type.String(),
  enterpriseName: Type.String(),
  plate: Type.String(),
  plateKind: Literals(['standard', 'new_energy'] as const),
  trailerPlate: Nullable(Type.String()),
  type: Literals(VEHICLE_TYPES),
  loadKg: Type.Integer(),
  status: Literals(VEHICLE_STATUSES),
  createdAt: Type.Integer(),
});
export type VehicleView = Static<typeof VehicleSchema>;

export const DRIVER_ID_TYPES = ['resident_id', 'passport', 'other'] as const;

export const DriverBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 50 }),
    idType: Literals(DRIVER_ID_TYPES),
    idNumber: Type.String({ minLength: 1, maxLength: 40 }),
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    licenceClass: Literals(LICENCE_CLASSES),
  },
  { additionalProperties: false },
);
export type DriverBody = Static<typeof DriverBody>;

export const DriverSchema = Type.Object({
  id: Type.String(),
  enterpriseId: Type.String(),
  name: Type.String(),
  idType: Literals(DRIVER_ID_TYPES),
  /** Masked. */
  idNumber: Type.String(),
  /** Masked. */
  phone: Type.String(),
  /** Registered in this city's registry (a resident), or not. */
  resident: Type.Boolean(),
  licenceClass: Literals(LICENCE_CLASSES),
  status: Literals(VEHICLE_STATUSES),
  createdAt: Type.Integer(),
});
export type DriverView = Static<typeof DriverSchema>;

export const OwnedListQuery = Type.Object({ enterpriseId: Type.Optional(Id) });
export type OwnedListQuery = Static<typeof OwnedListQuery>;

const NamedCode = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
/** What the forms offer, from rules/logistics.json in force today. */
export const LogisticsRulesSchema = Type.Object({
  version: Type.String(),
  today: Type.String(),
  departments: Type.Array(NamedCode),
  cargoCategories: Type.Array(
    Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String(), department: Type.String() }),
  ),
  validity: Type.Object({ defaultDays: Type.Integer(), maxDays: Type.Integer() }),
  applyAheadDays: Type.Integer(),
  /** The enterprise this account acts for; null for department and command accounts. */
  enterpriseId: Nullable(Type.String()),
  /** The department this reviewer reviews for; null: any. */
  department: Nullable(Type.String()),
});
export type LogisticsRulesView = Static<typeof LogisticsRulesSchema>;
