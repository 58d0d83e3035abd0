// The only SQL on vehicle passes and the issuing counties' serials.
import { sql } from 'kysely';
import type { Executor, VehiclePassTable } from '../db/database.ts';
import type { Paging } from './enterprises.store.ts';

const count = (v: unknown) => Number(v ?? 0);

export type PassRow = VehiclePassTable & {
  enterprise_name: string;
  plate: string;
  trailer_plate: string | null;
  vehicle_type: string;
};

function passQuery(ex: Executor) {
  return ex
    .selectFrom('vehicle_pass')
    .innerJoin('enterprise', 'enterprise.id', 'vehicle_pass.enterprise_id')
    .innerJoin('vehicle', 'vehicle.id', 'vehicle_pass.vehicle_id')
    .selectAll('vehicle_pass')
    .select([
      'enterprise.name as enterprise_name',
      'vehicle.plate as plate',
      'vehicle.trailer_plate as trailer_plate',
      'vehicle.vehicle_type as vehicle_type',
    ]);
}

export async function passById(ex: Executor, id: string): Promise<PassRow | undefined> {
  return passQuery(ex).where('vehicle_pass.id', '=', id).executeTakeFirst();
}

export async function passByNumber(ex: Executor, number: string): Promise<PassRow | undefined> {
  return passQuery(ex).where('vehicle_pass.number', '=', number).executeTakeFirst();
}

export async function insertPass(ex: Executor, row: VehiclePassTable): Promise<void> {
  await ex.insertInto('vehicle_pass').values(row).execute();
}

export async function updatePass(
  ex: Executor,
  id: string,
  changes: Partial<Omit<VehiclePassTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('vehicle_pass').set(changes).where('id', '=', id).execute();
}

/** The vehicle's passes that may still hold it: applied, or issued and not past `today`. */
export async function holdingPasses(ex: Executor, vehicleId: string, today: string): Promise<VehiclePassTable[]> {
  return ex
    .selectFrom('vehicle_pass')
    .selectAll()
    .where('vehicle_id', '=', vehicleId)
    .where((eb) =>
      eb.or([eb('status', '=', 'applied'), eb.and([eb('status', '=', 'issued'), eb('valid_until', '>=', today)])]),
    )
    .execute();
}

/**
 * The next serial of a county, inside the issuing transaction: the counter row is created at 0 if
 * missing, then bumped and read in one statement (PostgreSQL locks the row until commit; SQLite's
 * write lock is held by the transaction). A rollback gives the serial back: no gaps, no duplicates.
 */
export async function nextSerialTx(ex: Executor, county: string): Promise<number> {
  await ex
    .insertInto('vehicle_pass_serial')
    .values({ county, last_serial: 0 })
    .onConflict((oc) => oc.column('county').doNothing())
    .execute();
  const row = await ex
    .updateTable('vehicle_pass_serial')
    .set({ last_serial: sql`last_serial + 1` })
    .where('county', '=', county)
    .returning('last_serial')
    .executeTakeFirstOrThrow();
  return Number(row.last_serial);
}

export interface PassFilter {
  scopePath: string;
  enterpriseId?: string;
  status?: string;
  department?: string;
  /** A plate or pass number, or part of one. */
  q?: string;
}

export async function listPasses(
  ex: Executor,
  f: PassFilter,
  page: Paging,
): Promise<{ rows: PassRow[]; total: number }> {
  let q = passQuery(ex).where('vehicle_pass.area_path', 'like', `${f.scopePath}%`);
  if (f.enterpriseId) q = q.where('vehicle_pass.enterprise_id', '=', f.enterpriseId);
  if (f.status) q = q.where('vehicle_pass.status', '=', f.status);
  if (f.department) q = q.where('vehicle_pass.department', '=', f.department);
  const word = f.q?.trim().toUpperCase();
  if (word) {
    const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`vehicle.plate like ${like} escape '\\'`,
        sql<boolean>`vehicle_pass.number like ${like} escape '\\'`,
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    q
      .orderBy('vehicle_pass.applied_at', 'desc')
      .orderBy('vehicle_pass.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}
