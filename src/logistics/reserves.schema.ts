// Error codes of the supply reserves, and the request and answer shapes of their routes.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';
import { CONSUMPTION_BASES, MOVEMENT_KINDS, SUPPLY_LEVELS } from './reserves.rules.ts';

export const ReserveErrors = defineErrors({
  WAREHOUSE_NOT_FOUND: { status: 404, zh: '找不到该仓库', en: 'Warehouse not found' },
  WAREHOUSE_TAKEN: {
    status: 409,
    zh: '该区域已有同名仓库',
    en: 'A warehouse of this name already exists in the area',
  },
  WAREHOUSE_CLOSED: { status: 409, zh: '该仓库已停用', en: 'The warehouse is closed' },
  STOCK_ITEM_UNKNOWN: {
    status: 400,
    zh: '{field} 不是储备物资目录中的品类',
    en: '{field} is not an item of the reserves catalogue',
  },
  STOCK_UNIT_NOT_USED: {
    status: 400,
    zh: '{item}不以“{unit}”计量（可用：{units}）',
    en: '{item} is not counted in {unit} (it uses: {units})',
  },
  STOCK_QUANTITY_INVALID: {
    status: 400,
    zh: '{field} 须为正数，且不细于基本计量单位的千分之一',
    en: '{field} must be positive and no finer than a thousandth of the base unit',
  },
  STOCK_INSUFFICIENT: {
    status: 409,
    zh: '库存不足：{item}现有 {available}{unit}，不能出库 {requested}{unit}',
    en: 'Not enough stock: {available} {unit} of {item} on hand, {requested} {unit} asked for',
  },
  STOCK_MOVEMENT_INCOMPLETE: {
    status: 400,
    zh: '{field} 为该类出入库所必填',
    en: '{field} is required for this kind of movement',
  },
  STOCK_TRANSFER_SAME: {
    status: 400,
    zh: '调拨的调出与调入仓库不能相同',
    en: 'A transfer goes to another warehouse',
  },
  STOCK_COMMUNITY_INVALID: {
    status: 400,
    zh: '配送对象须为社区',
    en: 'A distribution goes to a community',
  },
  STOCK_COMMUNITY_EMPTY: {
    status: 400,
    zh: '该社区没有登记的住户，不能按户配送',
    en: 'The community has no registered households to distribute to per household',
  },
  STOCK_TIME_INVALID: {
    status: 400,
    zh: '{field} 不能晚于当前时间',
    en: '{field} cannot be in the future',
  },
  STOCK_IMPORT_INVALID: {
    status: 400,
    zh: '导入文件有错误，未导入任何一行',
    en: 'The file has errors; no row was imported',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
export const WarehouseParams = Type.Object({ id: Id });

export const WarehouseBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 100 }),
    areaId: Id,
    ownerUnit: NameText({ minLength: 1, maxLength: 100 }),
    address: Type.Optional(NameText({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type WarehouseBody = Static<typeof WarehouseBody>;

export const WarehouseListQuery = Type.Object({ areaId: Type.Optional(Id) });
export type WarehouseListQuery = Static<typeof WarehouseListQuery>;

export const StockLineSchema = Type.Object({
  item: Type.String(),
  unit: Type.String(),
  /** In the item's base unit. */
  quantity: Type.Number(),
  updatedAt: Type.Integer(),
});
export type StockLineView = Static<typeof StockLineSchema>;

export const WarehouseSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  ownerUnit: Type.String(),
  address: Type.String(),
  status: Literals(['active', 'closed'] as const),
  createdAt: Type.Integer(),
  stock: Type.Array(StockLineSchema),
});
export type WarehouseView = Static<typeof WarehouseSchema>;

export const MovementBody = Type.Object(
  {
    kind: Literals(MOVEMENT_KINDS),
    warehouseId: Id,
    item: Type.String({ minLength: 1, maxLength: 40 }),
    unit: Type.String({ minLength: 1, maxLength: 20 }),
    /** In `unit`; for a distribution, give this or perHousehold. */
    quantity: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e12 })),
    /** A distribution: so much of `unit` per household of the community (boxes of vegetables per household). */
    perHousehold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
    toWarehouseId: Type.Optional(Id),
    communityId: Type.Optional(Id),
    /** A trip report's id or number, a purchase order…: free text. */
    reference: Type.Optional(NameText({ maxLength: 100 })),
    note: Type.Optional(NoteText({ maxLength: 500 })),
    /** When the goods moved (epoch ms); now by default. */
    occurredAt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type MovementBody = Static<typeof MovementBody>;

export const MovementSchema = Type.Object({
  id: Type.String(),
  kind: Literals(MOVEMENT_KINDS),
  item: Type.String(),
  warehouseId: Type.String(),
  warehouseName: Type.String(),
  toWarehouseId: Nullable(Type.String()),
  toWarehouseName: Nullable(Type.String()),
  communityId: Nullable(Type.String()),
  communityName: Nullable(Type.String()),
  households: Nullable(Type.Integer()),
  /** In the item's base unit. */
  quantity: Type.Number(),
  baseUnit: Type.String(),
  unit: Type.String(),
  unitQuantity: Type.Number(),
  reference: Type.String(),
  note: Type.String(),
  occurredAt: Type.Integer(),
  recordedAt: Type.Integer(),
});
export type MovementView = Static<typeof MovementSchema>;

export const MovementListQuery = Type.Object({
  item: Type.Optional(Type.String({ maxLength: 40 })),
  kind: Type.Optional(Literals(MOVEMENT_KINDS)),
});
export type MovementListQuery = Static<typeof MovementListQuery>;

const Named = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
export const ReserveCatalogueSchema = Type.Object({
  version: Type.String(),
  units: Type.Array(Named),
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      zh: Type.String(),
      en: Type.String(),
      unit: Type.String(),
      units: Type.Array(Type.String()),
      perCapitaDaily: Type.Number(),
      warnDays: Nullable(Type.Number()),
      criticalDays: Nullable(Type.Number()),
    }),
  ),
});
export type ReserveCatalogueView = Static<typeof ReserveCatalogueSchema>;

export const SupplyRowSchema = Type.Object({
  item: Type.String(),
  unit: Type.String(),
  /** The district (or the actor's own area when none lies below it); null for the total over them. */
  areaId: Nullable(Type.String()),
  areaName: Type.String(),
  population: Type.Integer(),
  stock: Type.Number(),
  outflow7d: Type.Number(),
  dailyConsumption: Type.Number(),
  basis: Literals(CONSUMPTION_BASES),
  perCapitaDaily: Nullable(Type.Number()),
  daysOfSupply: Nullable(Type.Number()),
  level: Literals(SUPPLY_LEVELS),
  warnDays: Nullable(Type.Number()),
  criticalDays: Nullable(Type.Number()),
});
export type SupplyRow = Static<typeof SupplyRowSchema>;

export const ReservesReportSchema = Type.Object({
  asOf: Type.Integer(),
  rulesVersion: Type.String(),
  outflowDays: Type.Integer(),
  rows: Type.Array(SupplyRowSchema),
});
export type ReservesReport = Static<typeof ReservesReportSchema>;

export const ReservesQuery = Type.Object({ areaId: Type.Optional(Id) });
export type ReservesQuery = Static<typeof ReservesQuery>;

export const StockAlertSchema = Type.Object({
  id: Type.String(),
  item: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  level: Literals(['warn', 'critical', 'empty'] as const),
  daysOfSupply: Nullable(Type.Number()),
  thresholdDays: Type.Number(),
  raisedAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type StockAlertView = Static<typeof StockAlertSchema>;
