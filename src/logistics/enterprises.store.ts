// The only SQL on enterprises, the accounts acting for them, their vehicles and drivers.
import { sql } from 'kysely';
import type { DriverTable, EnterpriseTable, Executor, LogisticsAccountTable, VehicleTable } from '../db/database.ts';
import { withAreaNames } from '../db/sql.ts';

export interface Paging {
  limit: number;
  offset: number;
}

const count = (v: unknown) => Number(v ?? 0);

/** A pattern for LIKE matching text anywhere, its own wildcard characters escaped (with ESCAPE '\'). */
function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// ---- enterprises -------------------------------------------------------------------------------

export type EnterpriseRow = EnterpriseTable & { area_name: string; vehicles: number; drivers: number };

function enterpriseQuery(ex: Executor) {
  return ex
    .selectFrom('enterprise')
    .selectAll('enterprise')
    .select((eb) => [
      eb
        .selectFrom('vehicle')
        .select(eb.fn.countAll().as('n'))
        .whereRef('vehicle.enterprise_id', '=', 'enterprise.id')
        .where('vehicle.status', '=', 'active')
        .as('vehicles'),
      eb
        .selectFrom('driver')
        .select(eb.fn.countAll().as('n'))
        .whereRef('driver.enterprise_id', '=', 'enterprise.id')
        .where('driver.status', '=', 'active')
        .as('drivers'),
    ]);
}

async function enterpriseRows(
  ex: Executor,
  rows: ReadonlyArray<EnterpriseTable & { vehicles: unknown; drivers: unknown }>,
): Promise<EnterpriseRow[]> {
  return (await withAreaNames(ex, rows)).map((r) => ({ ...r, vehicles: count(r.vehicles), drivers: count(r.drivers) }));
}

export async function enterpriseById(ex: Executor, id: string): Promise<EnterpriseRow | undefined> {
  const r = await enterpriseQuery(ex).where('enterprise.id', '=', id).executeTakeFirst();
  return r ? (await enterpriseRows(ex, [r]))[0] : undefined;
}

export async function enterpriseByCreditCode(ex: Executor, code: string): Promise<EnterpriseTable | undefined> {
  return ex.selectFrom('enterprise').selectAll().where('credit_code', '=', code).executeTakeFirst();
}

export async function insertEnterprise(ex: Executor, row: EnterpriseTable): Promise<void> {
  await ex.insertInto('enterprise').values(row).execute();
}

export interface EnterpriseFilter {
  scopePath: string;
  /** Only this enterprise (an enterprise's own account). */
  enterpriseId?: string;
  category?: string;
  q?: string;
}

export async function listEnterprises(
  ex: Executor,
  f: EnterpriseFilter,
  page: Paging,
): Promise<{ rows: EnterpriseRow[]; total: number }> {
  let base = ex.selectFrom('enterprise').where('enterprise.area_path', 'like', `${f.scopePath}%`);
  if (f.enterpriseId) base = base.where('enterprise.id', '=', f.enterpriseId);
  if (f.category) base = base.where('enterprise.category', '=', f.category);
  for (const word of (f.q ?? '').split(/\s+/).filter(Boolean)) {
    const like = containsPattern(word);
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`enterprise.name like ${like} escape '\\'`,
        sql<boolean>`enterprise.credit_code like ${containsPattern(word.toUpperCase())} escape '\\'`,
      ]),
    );
  }
  const ids = base.select('enterprise.id');
  const [rows, total] = await Promise.all([
    enterpriseQuery(ex)
      .where('enterprise.id', 'in', ids)
      .orderBy('enterprise.name')
      .orderBy('enterprise.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await enterpriseRows(ex, rows), total: count(total.n) };
}

// ---- accounts ----------------------------------------------------------------------------------

export async function accountOf(ex: Executor, userId: string): Promise<LogisticsAccountTable | undefined> {
  return ex.selectFrom('logistics_account').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function putAccount(ex: Executor, row: LogisticsAccountTable): Promise<void> {
  await ex
    .insertInto('logistics_account')
    .values(row)
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ enterprise_id: row.enterprise_id, department: row.department }),
    )
    .execute();
}

// ---- vehicles ----------------------------------------------------------------------------------

export type VehicleRow = VehicleTable & { enterprise_name: string; area_path: string };

function vehicleQuery(ex: Executor) {
  return ex
    .selectFrom('vehicle')
    .innerJoin('enterprise', 'enterprise.id', 'vehicle.enterprise_id')
    .selectAll('vehicle')
    .select(['enterprise.name as enterprise_name', 'enterprise.area_path as area_path']);
}

export async function vehicleById(ex: Executor, id: string): Promise<VehicleRow | undefined> {
  return vehicleQuery(ex).where('vehicle.id', '=', id).executeTakeFirst();
}

export async function vehicleByPlate(ex: Executor, plate: string): Promise<VehicleTable | undefined> {
  return ex.selectFrom('vehicle').selectAll().where('plate', '=', plate).executeTakeFirst();
}

export async function insertVehicle(ex: Executor, row: VehicleTable): Promise<void> {
  await ex.insertInto('vehicle').values(row).execute();
}

/**
 * Touches the vehicle's row inside the caller's transaction: on PostgreSQL the row is locked until it
 * commits, so two applications for one vehicle take turns (SQLite's write lock already serialises).
 */
export async function lockVehicleTx(ex: Executor, id: string, now: number): Promise<void> {
  await ex.updateTable('vehicle').set({ updated_at: now }).where('id', '=', id).execute();
}

export interface OwnedFilter {
  scopePath: string;
  enterpriseId?: string;
}

export async function listVehicles(
  ex: Executor,
  f: OwnedFilter,
  page: Paging,
): Promise<{ rows: VehicleRow[]; total: number }> {
  let q = vehicleQuery(ex).where('enterprise.area_path', 'like', `${f.scopePath}%`);
  if (f.enterpriseId) q = q.where('vehicle.enterprise_id', '=', f.enterpriseId);
  const [rows, total] = await Promise.all([
    q.orderBy('vehicle.plate').limit(page.limit).offset(page.offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}

// ---- drivers -----------------------------------------------------------------------------------

export type DriverRow = DriverTable & { area_path: string };

function driverQuery(ex: Executor) {
  return ex
    .selectFrom('driver')
    .innerJoin('enterprise', 'enterprise.id', 'driver.enterprise_id')
    .selectAll('driver')
    .select(['enterprise.area_path as area_path']);
}

export async function driverById(ex: Executor, id: string): Promise<DriverRow | undefined> {
  return driverQuery(ex).where('driver.id', '=', id).executeTakeFirst();
}

export async function driversByIds(ex: Executor, ids: readonly string[]): Promise<DriverRow[]> {
  if (!ids.length) return [];
  return driverQuery(ex)
    .where('driver.id', 'in', [...ids])
    .execute();
}

export async function driverByIdHmac(
  ex: Executor,
  enterpriseId: string,
  idHmac: string,
): Promise<DriverTable | undefined> {
  return ex
    .selectFrom('driver')
    .selectAll()
    .where('enterprise_id', '=', enterpriseId)
    .where('id_hmac', '=', idHmac)
    .executeTakeFirst();
}

export async function insertDriver(ex: Executor, row: DriverTable): Promise<void> {
  await ex.insertInto('driver').values(row).execute();
}

export async function listDrivers(
  ex: Executor,
  f: OwnedFilter,
  page: Paging,
): Promise<{ rows: DriverRow[]; total: number }> {
  let q = driverQuery(ex).where('enterprise.area_path', 'like', `${f.scopePath}%`);
  if (f.enterpriseId) q = q.where('driver.enterprise_id', '=', f.enterpriseId);
  const [rows, total] = await Promise.all([
    q.orderBy('driver.name').orderBy('driver.id').limit(page.limit).offset(page.offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}
