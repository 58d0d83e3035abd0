// Supply reserves (物资储备): warehouses and their owners, stock movements (in, out, transfer between
// warehouses, distribution to a community counted by its households), and the days of supply of each
// item per district. A movement is checked whole before anything is written, and stock is taken only
// while enough is on hand (one conditional statement): a shortfall is STOCK_INSUFFICIENT and nothing of
// the movement — nor of an imported file — is kept. Reads and writes keep to the actor's area subtree.
import type { Actor } from '../access/access.rules.ts';
import { assertInScope, inScope, listingScope } from '../access/access.scope.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Executor, StockMovementTable, Tx, WarehouseTable } from '../db/database.ts';
import {
  areaById,
  areasByIds,
  areasByPaths,
  areasUnder,
  isUniqueViolation,
  rootArea,
  type AreaRef,
} from '../db/sql.ts';
import { dateInZone } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError, type ErrorCode, type Fault } from '../platform/errors.ts';
import type { Page } from '../platform/pagination.ts';
import { subtreeCounts } from '../registry/registry.store.ts';
import type { Services } from '../services.ts';
import type { Paging } from './enterprises.store.ts';
import { reservesPolicy, type ReserveItem, type ReservesPolicy } from './reserves.policy.ts';
import {
  fromMilli,
  OUTFLOW_DAYS,
  OUTFLOW_KINDS,
  stockDeltas,
  supplyFigures,
  thresholdsOn,
  toMilli,
  unitsOf,
  type MovementKind,
} from './reserves.rules.ts';
import type {
  MovementBody,
  MovementListQuery,
  MovementView,
  ReserveCatalogueView,
  ReservesQuery,
  ReservesReport,
  StockAlertView,
  SupplyRow,
  WarehouseBody,
  WarehouseListQuery,
  WarehouseView,
} from './reserves.schema.ts';
import * as store from './reserves.store.ts';

const DAY = 86_400_000;
/** A movement may be dated this far after the server's clock (a phone's clock a little ahead). */
const CLOCK_SKEW_MS = 5 * 60_000;

function fault(code: ErrorCode, field: string, params: Record<string, string | number> = {}): AppError {
  return new AppError(code, { field, ...params }, { faults: [{ field, code, params: { field, ...params } }] });
}

function itemOf(policy: ReservesPolicy, code: string): ReserveItem | undefined {
  return policy.items.find((i) => i.code === code);
}

// ---- catalogue and warehouses ------------------------------------------------------------------

export function catalogue(s: Services, actor: Actor): ReserveCatalogueView {
  assertCan(actor, 'logistics.reserves');
  const policy = reservesPolicy();
  const thresholds = thresholdsOn(policy, dateInZone(s.clock.now(), s.config.timeZone));
  return {
    version: policy.version,
    units: policy.units.map((u) => ({ ...u })),
    items: policy.items.map((i) => ({
      code: i.code,
      zh: i.zh,
      en: i.en,
      unit: i.unit,
      units: unitsOf(i),
      perCapitaDaily: i.perCapitaDaily,
      warnDays: thresholds[i.code]?.warnDays ?? null,
      criticalDays: thresholds[i.code]?.criticalDays ?? null,
    })),
  };
}

async function warehouseViews(s: Services, rows: readonly WarehouseTable[]): Promise<WarehouseView[]> {
  const policy = reservesPolicy();
  const names = new Map(
    (
      await areasByIds(
        s.db,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  const stock = await store.stockOf(
    s.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    areaId: r.area_id,
    areaName: names.get(r.area_id) ?? '',
    ownerUnit: r.owner_unit,
    address: r.address,
    status: r.status as 'active' | 'closed',
    createdAt: Number(r.created_at),
    stock: stock
      .filter((l) => l.warehouse_id === r.id)
      .map((l) => ({
        item: l.item,
        unit: itemOf(policy, l.item)?.unit ?? '',
        quantity: fromMilli(l.qty_milli),
        updatedAt: l.updated_at,
      })),
  }));
}

export async function createWarehouse(s: Services, actor: Actor, body: WarehouseBody): Promise<WarehouseView> {
  assertCan(actor, 'logistics.stock');
  const area = await areaById(s.db, body.areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  const now = s.clock.now();
  const row: WarehouseTable = {
    id: newId(now),
    name: body.name.trim(),
    area_id: area.id,
    area_path: area.path,
    owner_unit: body.ownerUnit.trim(),
    address: body.address?.trim() ?? '',
    status: 'active',
    created_by: actor.userId,
    created_at: now,
  };
  try {
    await s.db.transaction().execute(async (trx) => {
      await store.insertWarehouse(trx, row);
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.warehouse.create',
        objectType: 'warehouse',
        objectId: row.id,
        detail: { name: row.name, areaId: area.id, ownerUnit: row.owner_unit },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fault('WAREHOUSE_TAKEN', 'name');
    throw err;
  }
  return (await warehouseViews(s, [row]))[0]!;
}

export async function listWarehouses(
  s: Services,
  actor: Actor,
  q: WarehouseListQuery,
  page: Paging,
): Promise<Page<WarehouseView>> {
  assertCan(actor, 'logistics.reserves');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const { rows, total } = await store.listWarehouses(s.db, scopePath, page);
  return { items: await warehouseViews(s, rows), total, ...page };
}

async function warehouseFor(ex: Executor, actor: Actor, id: string, field = 'warehouseId'): Promise<WarehouseTable> {
  const row = await store.warehouseById(ex, id);
  if (!row) throw fault('WAREHOUSE_NOT_FOUND', field);
  assertInScope(actor, row.area_path);
  return row;
}

export async function getWarehouse(s: Services, actor: Actor, id: string): Promise<WarehouseView> {
  assertCan(actor, 'logistics.reserves');
  return (await warehouseViews(s, [await warehouseFor(s.db, actor, id)]))[0]!;
}

// ---- movements ---------------------------------------------------------------------------------

/** A movement checked against the catalogue, the warehouses and the community, ready to apply. */
interface PreparedMovement {
  row: StockMovementTable;
  item: ReserveItem;
}

/** What the rows of one import look up, read once each: warehouses, communities, their households. */
interface Lookups {
  warehouses: Map<string, Promise<WarehouseTable | undefined>>;
  areas: Map<string, Promise<AreaRef | undefined>>;
  households: Map<string, Promise<number>>;
}

const newLookups = (): Lookups => ({ warehouses: new Map(), areas: new Map(), households: new Map() });

function once<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let hit = cache.get(key);
  if (!hit) cache.set(key, (hit = load()));
  return hit;
}

async function cachedWarehouse(ex: Executor, actor: Actor, look: Lookups, id: string, field: string) {
  const row = await once(look.warehouses, id, () => store.warehouseById(ex, id));
  if (!row) throw fault('WAREHOUSE_NOT_FOUND', field);
  assertInScope(actor, row.area_path);
  return row;
}

async function prepareMovement(
  s: Services,
  ex: Executor,
  actor: Actor,
  body: MovementBody,
  now: number,
  look: Lookups = newLookups(),
): Promise<PreparedMovement> {
  const policy = reservesPolicy();
  const item = itemOf(policy, body.item);
  if (!item) throw fault('STOCK_ITEM_UNKNOWN', 'item');
  const units = unitsOf(item);
  if (!units.includes(body.unit))
    throw fault('STOCK_UNIT_NOT_USED', 'unit', { item: item.zh, unit: body.unit, units: units.join('、') });
  const warehouse = await cachedWarehouse(ex, actor, look, body.warehouseId, 'warehouseId');
  if (warehouse.status !== 'active') throw fault('WAREHOUSE_CLOSED', 'warehouseId');
  let to: WarehouseTable | null = null;
  if (body.kind === 'transfer') {
    if (!body.toWarehouseId) throw fault('STOCK_MOVEMENT_INCOMPLETE', 'toWarehouseId');
    if (body.toWarehouseId === warehouse.id) throw fault('STOCK_TRANSFER_SAME', 'toWarehouseId');
    to = await cachedWarehouse(ex, actor, look, body.toWarehouseId, 'toWarehouseId');
    if (to.status !== 'active') throw fault('WAREHOUSE_CLOSED', 'toWarehouseId');
  }
  let community: AreaRef | null = null;
  let households: number | null = null;
  let unitQty = body.quantity;
  if (body.kind === 'distribution') {
    if (!body.communityId) throw fault('STOCK_MOVEMENT_INCOMPLETE', 'communityId');
    const communityId = body.communityId;
    community = (await once(look.areas, communityId, () => areaById(ex, communityId))) ?? null;
    if (!community) throw fault('AREA_NOT_FOUND', 'communityId');
    assertInScope(actor, community.path);
    if (community.level !== 'community') throw fault('STOCK_COMMUNITY_INVALID', 'communityId');
    const path = community.path;
    households = await once(look.households, path, async () => (await subtreeCounts(ex, path)).households);
    if (unitQty === undefined && body.perHousehold !== undefined) {
      if (households === 0) throw fault('STOCK_COMMUNITY_EMPTY', 'communityId');
      unitQty = body.perHousehold * households;
    }
  }
  if (unitQty === undefined) throw fault('STOCK_MOVEMENT_INCOMPLETE', 'quantity');
  const qty = toMilli(item, unitQty, body.unit);
  if (!qty.ok)
    throw fault(qty.code, body.quantity === undefined ? 'perHousehold' : 'quantity', {
      item: item.zh,
      unit: body.unit,
      units: units.join('、'),
    });
  const occurredAt = body.occurredAt ?? now;
  if (occurredAt > now + CLOCK_SKEW_MS) throw fault('STOCK_TIME_INVALID', 'occurredAt');
  return {
    item,
    row: {
      id: newId(now),
      kind: body.kind,
      item: item.code,
      warehouse_id: warehouse.id,
      area_path: warehouse.area_path,
      to_warehouse_id: to?.id ?? null,
      community_id: community?.id ?? null,
      households,
      qty_milli: qty.milli,
      unit: body.unit,
      unit_qty: unitQty,
      reference: body.reference?.trim() ?? '',
      note: body.note?.trim() ?? '',
      occurred_at: occurredAt,
      recorded_by: actor.userId,
      recorded_at: now,
    },
  };
}

/** Applies a prepared movement inside the caller's transaction: the stock first, refused when short. */
async function applyMovementTx(trx: Tx, p: PreparedMovement, now: number): Promise<void> {
  const { row, item } = p;
  const delta = stockDeltas(row.kind as MovementKind, row.qty_milli);
  if (delta.from > 0) await store.addStockTx(trx, row.warehouse_id, row.item, delta.from, now);
  else if (!(await store.takeStockTx(trx, row.warehouse_id, row.item, -delta.from, now))) {
    const available = await store.stockLevel(trx, row.warehouse_id, row.item);
    throw fault('STOCK_INSUFFICIENT', 'quantity', {
      item: item.zh,
      unit: item.unit,
      available: fromMilli(available),
      requested: fromMilli(row.qty_milli),
    });
  }
  if (delta.to > 0 && row.to_warehouse_id) await store.addStockTx(trx, row.to_warehouse_id, row.item, delta.to, now);
  await store.insertMovement(trx, row);
}

function movementAudit(row: StockMovementTable) {
  return {
    action: 'logistics.stock.movement',
    objectType: 'warehouse',
    objectId: row.warehouse_id,
    detail: {
      movementId: row.id,
      kind: row.kind,
      item: row.item,
      qtyMilli: row.qty_milli,
      unit: row.unit,
      unitQty: row.unit_qty,
      ...(row.to_warehouse_id ? { toWarehouseId: row.to_warehouse_id } : {}),
      ...(row.community_id ? { communityId: row.community_id, households: row.households } : {}),
      ...(row.reference ? { reference: row.reference } : {}),
    },
  };
}

export async function recordMovement(s: Services, actor: Actor, body: MovementBody): Promise<MovementView> {
  assertCan(actor, 'logistics.stock');
  const now = s.clock.now();
  const prepared = await prepareMovement(s, s.db, actor, body, now);
  await s.db.transaction().execute(async (trx) => {
    await applyMovementTx(trx, prepared, now);
    await s.audit(trx, auditActor(actor), movementAudit(prepared.row));
  });
  return (await movementViews(s, [prepared.row]))[0]!;
}

/**
 * Many movements (a CSV import) as one: every row is checked first and every fault reported with its
 * row; then all are applied in one transaction, in order, and a shortfall at any row keeps none.
 */
export async function importMovements(
  s: Services,
  actor: Actor,
  rows: ReadonlyArray<{ row: number; body: MovementBody }>,
  options: { audit?: 'each' | 'summary' } = {},
): Promise<{ imported: number }> {
  assertCan(actor, 'logistics.stock');
  const now = s.clock.now();
  const faults: Fault[] = [];
  const prepared: Array<{ row: number; p: PreparedMovement }> = [];
  const look = newLookups();
  for (const r of rows) {
    try {
      prepared.push({ row: r.row, p: await prepareMovement(s, s.db, actor, r.body, now, look) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const fs = err.faults.length ? err.faults : [{ code: err.code, params: err.params }];
      for (const f of fs) faults.push({ ...f, row: r.row });
    }
  }
  if (faults.length) throw new AppError('STOCK_IMPORT_INVALID', {}, { faults });
  prepared.sort((a, b) => a.p.row.occurred_at - b.p.row.occurred_at || a.row - b.row);
  await s.db.transaction().execute(async (trx) => {
    // Set-based: the touched stock lines read (and locked) once, every row's change checked in order
    // against the running balance, then one update per line and the rows in one statement per slice.
    const key = (w: string, item: string) => `${w}|${item}`;
    const keys = new Map<string, readonly [string, string]>();
    for (const { p } of prepared) {
      keys.set(key(p.row.warehouse_id, p.row.item), [p.row.warehouse_id, p.row.item]);
      if (p.row.to_warehouse_id) keys.set(key(p.row.to_warehouse_id, p.row.item), [p.row.to_warehouse_id, p.row.item]);
    }
    const levels = await store.lockStockTx(trx, s.dialect, [...keys.values()], now);
    const changed = new Set<string>();
    for (const { row, p } of prepared) {
      const delta = stockDeltas(p.row.kind as MovementKind, p.row.qty_milli);
      const from = key(p.row.warehouse_id, p.row.item);
      const have = levels.get(from) ?? 0;
      if (have + delta.from < 0)
        throw new AppError(
          'STOCK_IMPORT_INVALID',
          {},
          {
            faults: [
              {
                row,
                field: 'quantity',
                code: 'STOCK_INSUFFICIENT',
                params: {
                  item: p.item.zh,
                  unit: p.item.unit,
                  available: fromMilli(have),
                  requested: fromMilli(p.row.qty_milli),
                },
              },
            ],
          },
        );
      levels.set(from, have + delta.from);
      changed.add(from);
      if (delta.to > 0 && p.row.to_warehouse_id) {
        const to = key(p.row.to_warehouse_id, p.row.item);
        levels.set(to, (levels.get(to) ?? 0) + delta.to);
        changed.add(to);
      }
    }
    for (const k of changed) {
      const [w, item] = keys.get(k)!;
      await store.setStockTx(trx, w, item, levels.get(k)!, now);
    }
    await store.insertMovementsTx(
      trx,
      s.dialect,
      prepared.map(({ p }) => p.row),
    );
    if (options.audit === 'summary')
      await s.audit(trx, auditActor(actor), {
        action: 'logistics.stock.import',
        objectType: 'warehouse',
        objectId: prepared[0]?.p.row.warehouse_id ?? '',
        detail: { movements: prepared.length },
      });
    else for (const { p } of prepared) await s.audit(trx, auditActor(actor), movementAudit(p.row));
  });
  return { imported: prepared.length };
}

async function movementViews(s: Services, rows: readonly StockMovementTable[]): Promise<MovementView[]> {
  const policy = reservesPolicy();
  const warehouses = new Map(
    (
      await store.warehousesByIds(s.db, [
        ...rows.map((r) => r.warehouse_id),
        ...rows.flatMap((r) => (r.to_warehouse_id ? [r.to_warehouse_id] : [])),
      ])
    ).map((w) => [w.id, w.name]),
  );
  const communities = new Map(
    (
      await areasByIds(
        s.db,
        rows.flatMap((r) => (r.community_id ? [r.community_id] : [])),
      )
    ).map((a) => [a.id, a.name]),
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as MovementKind,
    item: r.item,
    warehouseId: r.warehouse_id,
    warehouseName: warehouses.get(r.warehouse_id) ?? '',
    toWarehouseId: r.to_warehouse_id,
    toWarehouseName: r.to_warehouse_id ? (warehouses.get(r.to_warehouse_id) ?? '') : null,
    communityId: r.community_id,
    communityName: r.community_id ? (communities.get(r.community_id) ?? '') : null,
    households: r.households === null ? null : Number(r.households),
    quantity: fromMilli(Number(r.qty_milli)),
    baseUnit: itemOf(policy, r.item)?.unit ?? r.unit,
    unit: r.unit,
    unitQuantity: Number(r.unit_qty),
    reference: r.reference,
    note: r.note,
    occurredAt: Number(r.occurred_at),
    recordedAt: Number(r.recorded_at),
  }));
}

export async function listMovements(
  s: Services,
  actor: Actor,
  warehouseId: string,
  q: MovementListQuery,
  page: Paging,
): Promise<Page<MovementView>> {
  assertCan(actor, 'logistics.reserves');
  await warehouseFor(s.db, actor, warehouseId, 'id');
  const { rows, total } = await store.listMovements(s.db, warehouseId, q, page);
  return { items: await movementViews(s, rows), total, ...page };
}

// ---- days of supply ----------------------------------------------------------------------------

/**
 * Days of supply per item for each district under `scopePath` (or for the scope's own area when no
 * district lies below it), and a total row per item over the whole scope — which also counts the
 * stock of warehouses above district level (a city reserve serves the whole city). Daily consumption
 * is the last OUTFLOW_DAYS days' outflow (out and distribution) over OUTFLOW_DAYS; where there was
 * none, the rule file's per-person norm times the people registered in the area.
 */
export async function computeReserves(
  s: Services,
  ex: Executor,
  scopePath: string,
  now: number,
): Promise<ReservesReport> {
  const policy = reservesPolicy();
  const thresholds = thresholdsOn(policy, dateInZone(now, s.config.timeZone));
  const [scopeArea] = await areasByPaths(ex, [scopePath]);
  if (!scopeArea) throw new AppError('AREA_NOT_FOUND');
  const districts = await areasUnder(ex, scopePath, ['district']);
  const groups = districts.length ? districts : [scopeArea];
  const [stock, outflow] = await Promise.all([
    store.stockByArea(ex, scopePath),
    store.outflowByArea(ex, scopePath, OUTFLOW_KINDS, now - OUTFLOW_DAYS * DAY, now),
  ]);
  const population = new Map<string, number>();
  for (const g of groups) population.set(g.path, (await subtreeCounts(ex, g.path)).persons);
  const total =
    groups.length === 1 && groups[0] === scopeArea
      ? population.get(scopePath)!
      : (await subtreeCounts(ex, scopePath)).persons;
  const sum = (lines: Array<{ area_path: string; item: string; qty_milli: number }>, path: string, item: string) =>
    lines.filter((l) => l.item === item && inScope(path, l.area_path)).reduce((a, l) => a + l.qty_milli, 0);
  const rows: SupplyRow[] = [];
  const row = (item: ReserveItem, area: AreaRef | null, name: string, path: string, people: number): SupplyRow => {
    const stockMilli = sum(stock, path, item.code);
    const outflowMilli = sum(outflow, path, item.code);
    const threshold = thresholds[item.code];
    const f = supplyFigures({ stockMilli, outflowMilli, population: people, item, threshold });
    return {
      item: item.code,
      unit: item.unit,
      areaId: area?.id ?? null,
      areaName: name,
      population: people,
      stock: fromMilli(stockMilli),
      outflow7d: fromMilli(outflowMilli),
      dailyConsumption: round3(f.dailyConsumption),
      basis: f.basis,
      perCapitaDaily: f.perCapitaDaily === null ? null : round6(f.perCapitaDaily),
      daysOfSupply: f.daysOfSupply === null ? null : Math.round(f.daysOfSupply * 10) / 10,
      level: f.level,
      warnDays: threshold?.warnDays ?? null,
      criticalDays: threshold?.criticalDays ?? null,
    };
  };
  for (const item of policy.items) {
    for (const g of groups) rows.push(row(item, g, g.name, g.path, population.get(g.path) ?? 0));
    if (groups.length > 1 || groups[0] !== scopeArea) rows.push(row(item, null, scopeArea.name, scopePath, total));
  }
  return { asOf: now, rulesVersion: policy.version, outflowDays: OUTFLOW_DAYS, rows };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export async function reservesReport(s: Services, actor: Actor, q: ReservesQuery): Promise<ReservesReport> {
  assertCan(actor, 'logistics.reserves');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  return computeReserves(s, s.db, scopePath, s.clock.now());
}

// ---- alerts ------------------------------------------------------------------------------------

/**
 * The reserves job's sweep (reserves.jobs.ts, hourly, once across processes): the days of supply of
 * every item in every district and over the whole city, an alert raised where one falls under its
 * level (or the stock is gone), its level and figure kept current while it lasts, and cleared when
 * the item is back above. The command centre reads the open alerts.
 */
export async function sweepReserveAlerts(
  s: Services,
  now: number,
): Promise<{ raised: number; cleared: number; open: number }> {
  const root = await rootArea(s.db);
  const roots = root ? [root] : [];
  let raised = 0;
  let cleared = 0;
  let open = 0;
  const policy = reservesPolicy();
  for (const r of roots) {
    const report = await computeReserves(s, s.db, r.path, now);
    await s.db.transaction().execute(async (trx) => {
      const existing = new Map((await store.openAlerts(trx, r.path)).map((a) => [`${a.area_id}|${a.item}`, a]));
      for (const row of report.rows) {
        const areaId = row.areaId ?? r.id;
        const areaPath = row.areaId ? (await areaById(trx, row.areaId))!.path : r.path;
        const key = `${areaId}|${row.item}`;
        const alert = existing.get(key);
        // Nothing consumed and nothing on hand: there is nothing to run out of.
        const alarming = row.level !== 'ok' && !(row.level === 'empty' && row.dailyConsumption === 0);
        if (!alarming) {
          if (alert) {
            await store.updateAlert(trx, alert.id, {
              cleared_at: now,
              updated_at: now,
              days_of_supply: row.daysOfSupply,
            });
            cleared++;
          }
          continue;
        }
        open++;
        const thresholdDays = row.level === 'critical' ? row.criticalDays! : (row.warnDays ?? 0);
        if (alert)
          await store.updateAlert(trx, alert.id, {
            level: row.level,
            days_of_supply: row.daysOfSupply,
            threshold_days: thresholdDays,
            updated_at: now,
          });
        else {
          await store.insertAlert(trx, {
            id: newId(now),
            item: row.item,
            area_id: areaId,
            area_path: areaPath,
            level: row.level,
            days_of_supply: row.daysOfSupply,
            threshold_days: thresholdDays,
            rules_version: policy.version,
            raised_at: now,
            updated_at: now,
            cleared_at: null,
          });
          raised++;
        }
      }
    });
  }
  return { raised, cleared, open };
}

export async function listAlerts(s: Services, actor: Actor, q: ReservesQuery): Promise<StockAlertView[]> {
  assertCan(actor, 'logistics.reserves');
  const scopePath = await listingScope(s.db, actor, q.areaId);
  const rows = await store.openAlerts(s.db, scopePath);
  const names = new Map(
    (
      await areasByIds(
        s.db,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  return rows.map((r) => ({
    id: r.id,
    item: r.item,
    areaId: r.area_id,
    areaName: names.get(r.area_id) ?? '',
    level: r.level as StockAlertView['level'],
    daysOfSupply: r.days_of_supply === null ? null : Number(r.days_of_supply),
    thresholdDays: Number(r.threshold_days),
    raisedAt: Number(r.raised_at),
    updatedAt: Number(r.updated_at),
  }));
}
