// The only SQL on warehouses, their stock levels, stock movements and the reserves' alerts. One movement
// changes stock by addStockTx (an upsert that adds) and takeStockTx (a conditional UPDATE that takes
// only while enough is on hand): single statements, so two movements at once cannot take the same stock
// twice on either dialect (SQLite writes one at a time; PostgreSQL re-checks the condition on the row it
// locked). An import reads its lines locked (lockStockTx), checks every row against the running balance
// and sets each line once (setStockTx).
import { sql } from 'kysely';
import type { Dialect, Executor, StockAlertTable, StockMovementTable, Tx, WarehouseTable } from '../db/database.ts';
import { insertJsonRows, type JsonCast } from '../db/sql.ts';
import type { Paging } from './enterprises.store.ts';

const num = (v: unknown) => Number(v ?? 0);

export async function insertWarehouse(ex: Executor, row: WarehouseTable): Promise<void> {
  await ex.insertInto('warehouse').values(row).execute();
}

export async function warehouseById(ex: Executor, id: string): Promise<WarehouseTable | undefined> {
  return ex.selectFrom('warehouse').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function warehousesByIds(ex: Executor, ids: readonly string[]): Promise<WarehouseTable[]> {
  if (!ids.length) return [];
  return ex
    .selectFrom('warehouse')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function listWarehouses(
  ex: Executor,
  scopePath: string,
  page: Paging,
): Promise<{ rows: WarehouseTable[]; total: number }> {
  const base = ex.selectFrom('warehouse').where('area_path', 'like', `${scopePath}%`);
  const [rows, total] = await Promise.all([
    base.selectAll().orderBy('area_path').orderBy('name').limit(page.limit).offset(page.offset).execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: num(total.n) };
}

/** Every warehouse in the subtree (for the reserves' figures and the alert job). */
export async function warehousesUnder(ex: Executor, scopePath: string): Promise<WarehouseTable[]> {
  return ex.selectFrom('warehouse').selectAll().where('area_path', 'like', `${scopePath}%`).execute();
}

export interface StockLine {
  warehouse_id: string;
  item: string;
  qty_milli: number;
  updated_at: number;
}

export async function stockOf(ex: Executor, warehouseIds: readonly string[]): Promise<StockLine[]> {
  if (!warehouseIds.length) return [];
  const rows = await ex
    .selectFrom('stock_level')
    .selectAll()
    .where('warehouse_id', 'in', [...new Set(warehouseIds)])
    .orderBy('item')
    .execute();
  return rows.map((r) => ({ ...r, qty_milli: num(r.qty_milli), updated_at: num(r.updated_at) }));
}

/** Adds `milli` to the warehouse's stock of the item (creating the line). */
export async function addStockTx(
  trx: Tx,
  warehouseId: string,
  item: string,
  milli: number,
  now: number,
): Promise<void> {
  await trx
    .insertInto('stock_level')
    .values({ warehouse_id: warehouseId, item, qty_milli: milli, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['warehouse_id', 'item']).doUpdateSet({
        qty_milli: sql`stock_level.qty_milli + excluded.qty_milli`,
        updated_at: now,
      }),
    )
    .execute();
}

/** Takes `milli` from the warehouse's stock of the item only while that much is on hand; false when not. */
export async function takeStockTx(
  trx: Tx,
  warehouseId: string,
  item: string,
  milli: number,
  now: number,
): Promise<boolean> {
  const res = await trx
    .updateTable('stock_level')
    .set({ qty_milli: sql`qty_milli - ${milli}`, updated_at: now })
    .where('warehouse_id', '=', warehouseId)
    .where('item', '=', item)
    .where('qty_milli', '>=', milli)
    .executeTakeFirst();
  return num(res.numUpdatedRows) === 1;
}

export async function stockLevel(ex: Executor, warehouseId: string, item: string): Promise<number> {
  const row = await ex
    .selectFrom('stock_level')
    .select('qty_milli')
    .where('warehouse_id', '=', warehouseId)
    .where('item', '=', item)
    .executeTakeFirst();
  return num(row?.qty_milli);
}

export async function insertMovement(ex: Executor, row: StockMovementTable): Promise<void> {
  await ex.insertInto('stock_movement').values(row).execute();
}

const MOVEMENT_COLUMNS: ReadonlyArray<readonly [keyof StockMovementTable & string, JsonCast]> = [
  ['id', 'text'],
  ['kind', 'text'],
  ['item', 'text'],
  ['warehouse_id', 'text'],
  ['area_path', 'text'],
  ['to_warehouse_id', 'text'],
  ['community_id', 'text'],
  ['households', 'integer'],
  ['qty_milli', 'bigint'],
  ['unit', 'text'],
  ['unit_qty', 'double precision'],
  ['reference', 'text'],
  ['note', 'text'],
  ['occurred_at', 'bigint'],
  ['recorded_by', 'text'],
  ['recorded_at', 'bigint'],
];

/** Many movements in one statement per slice (an import). */
export async function insertMovementsTx(trx: Tx, dialect: Dialect, rows: readonly StockMovementTable[]): Promise<void> {
  await insertJsonRows(trx, dialect, 'stock_movement', MOVEMENT_COLUMNS, rows);
}

/**
 * The stock lines an import touches, created at zero where new, then read — on PostgreSQL locked
 * (FOR UPDATE, in key order) until the transaction ends, so that nothing else moves them meanwhile;
 * SQLite's write transaction already holds the database. Keyed `warehouse|item`.
 */
export async function lockStockTx(
  trx: Tx,
  dialect: Dialect,
  keys: ReadonlyArray<readonly [string, string]>,
  now: number,
): Promise<Map<string, number>> {
  await insertJsonRows(
    trx,
    dialect,
    'stock_level',
    [
      ['warehouse_id', 'text'],
      ['item', 'text'],
      ['qty_milli', 'bigint'],
      ['updated_at', 'bigint'],
    ],
    keys.map(([warehouse_id, item]) => ({ warehouse_id, item, qty_milli: 0, updated_at: now })),
    { onConflict: ['warehouse_id', 'item'] },
  );
  const wanted = new Set(keys.map(([w, i]) => `${w}|${i}`));
  let q = trx
    .selectFrom('stock_level')
    .select(['warehouse_id', 'item', 'qty_milli'])
    .where('warehouse_id', 'in', [...new Set(keys.map(([w]) => w))])
    .orderBy('warehouse_id')
    .orderBy('item');
  if (dialect === 'postgres') q = q.forUpdate();
  const out = new Map<string, number>();
  for (const r of await q.execute()) {
    const key = `${r.warehouse_id}|${r.item}`;
    if (wanted.has(key)) out.set(key, num(r.qty_milli));
  }
  return out;
}

/** Sets a locked stock line to its new quantity. */
export async function setStockTx(
  trx: Tx,
  warehouseId: string,
  item: string,
  milli: number,
  now: number,
): Promise<void> {
  await trx
    .updateTable('stock_level')
    .set({ qty_milli: milli, updated_at: now })
    .where('warehouse_id', '=', warehouseId)
    .where('item', '=', item)
    .execute();
}

export async function movementById(ex: Executor, id: string): Promise<StockMovementTable | undefined> {
  return ex.selectFrom('stock_movement').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A warehouse's movements, the goods it sent and those it received by transfer, newest first. */
export async function listMovements(
  ex: Executor,
  warehouseId: string,
  f: { item?: string; kind?: string },
  page: Paging,
): Promise<{ rows: StockMovementTable[]; total: number }> {
  let base = ex
    .selectFrom('stock_movement')
    .where((eb) => eb.or([eb('warehouse_id', '=', warehouseId), eb('to_warehouse_id', '=', warehouseId)]));
  if (f.item) base = base.where('item', '=', f.item);
  if (f.kind) base = base.where('kind', '=', f.kind);
  const [rows, total] = await Promise.all([
    base
      .selectAll()
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: num(total.n) };
}

/** Stock on hand in the subtree, by the warehouse's area and item. */
export async function stockByArea(
  ex: Executor,
  scopePath: string,
): Promise<Array<{ area_path: string; item: string; qty_milli: number }>> {
  const rows = await ex
    .selectFrom('stock_level')
    .innerJoin('warehouse', 'warehouse.id', 'stock_level.warehouse_id')
    .where('warehouse.area_path', 'like', `${scopePath}%`)
    .select(['warehouse.area_path as area_path', 'stock_level.item as item'])
    .select((eb) => eb.fn.sum<number>('stock_level.qty_milli').as('qty_milli'))
    .groupBy(['warehouse.area_path', 'stock_level.item'])
    .execute();
  return rows.map((r) => ({ area_path: r.area_path, item: r.item, qty_milli: num(r.qty_milli) }));
}

/** What left the reserve for good (out, distribution) since `since`, by the warehouse's area and item. */
export async function outflowByArea(
  ex: Executor,
  scopePath: string,
  kinds: readonly string[],
  since: number,
  until: number,
): Promise<Array<{ area_path: string; item: string; qty_milli: number }>> {
  const rows = await ex
    .selectFrom('stock_movement')
    .where('area_path', 'like', `${scopePath}%`)
    .where('kind', 'in', [...kinds])
    .where('occurred_at', '>=', since)
    .where('occurred_at', '<=', until)
    .select(['area_path', 'item'])
    .select((eb) => eb.fn.sum<number>('qty_milli').as('qty_milli'))
    .groupBy(['area_path', 'item'])
    .execute();
  return rows.map((r) => ({ area_path: r.area_path, item: r.item, qty_milli: num(r.qty_milli) }));
}

export async function openAlerts(ex: Executor, scopePath: string): Promise<StockAlertTable[]> {
  return ex
    .selectFrom('stock_alert')
    .selectAll()
    .where('area_path', 'like', `${scopePath}%`)
    .where('cleared_at', 'is', null)
    .orderBy('raised_at', 'desc')
    .execute();
}

export async function insertAlert(ex: Executor, row: StockAlertTable): Promise<void> {
  await ex.insertInto('stock_alert').values(row).execute();
}

export async function updateAlert(
  ex: Executor,
  id: string,
  changes: Partial<Omit<StockAlertTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('stock_alert').set(changes).where('id', '=', id).execute();
}
