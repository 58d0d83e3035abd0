// The only SQL on trip pre-registrations.
import { sql } from 'kysely';
import type { Executor, TripTable } from '../db/database.ts';
import type { Paging } from './enterprises.store.ts';

const count = (v: unknown) => Number(v ?? 0);

export type TripRow = TripTable & { enterprise_name: string; plate: string; pass_number: string | null };

function tripQuery(ex: Executor) {
  return ex
    .selectFrom('trip')
    .innerJoin('enterprise', 'enterprise.id', 'trip.enterprise_id')
    .innerJoin('vehicle', 'vehicle.id', 'trip.vehicle_id')
    .leftJoin('vehicle_pass', 'vehicle_pass.id', 'trip.pass_id')
    .selectAll('trip')
    .select(['enterprise.name as enterprise_name', 'vehicle.plate as plate', 'vehicle_pass.number as pass_number']);
}

export async function tripById(ex: Executor, id: string): Promise<TripRow | undefined> {
  return tripQuery(ex).where('trip.id', '=', id).executeTakeFirst();
}

export async function insertTrip(ex: Executor, row: TripTable): Promise<void> {
  await ex.insertInto('trip').values(row).execute();
}

export async function updateTrip(ex: Executor, id: string, changes: Partial<Omit<TripTable, 'id'>>): Promise<void> {
  await ex.updateTable('trip').set(changes).where('id', '=', id).execute();
}

/** The approved trips of a vehicle whose window (widened by `slackMs` each side) holds `at`. */
export async function approvedTripsOfVehicle(
  ex: Executor,
  vehicleId: string,
  at: number,
  slackMs: number,
): Promise<TripRow[]> {
  return tripQuery(ex)
    .where('trip.vehicle_id', '=', vehicleId)
    .where('trip.status', 'in', ['approved', 'arrived'])
    .where('trip.arrive_from', '<=', at + slackMs)
    .where('trip.arrive_until', '>=', at - slackMs)
    .orderBy('trip.arrive_from')
    .execute();
}

export interface TripFilter {
  scopePath: string;
  enterpriseId?: string;
  /** Trips whose destination is this enterprise or station (any reporting area). */
  destinationId?: string;
  status?: string;
  statuses?: string[];
  department?: string;
  /** Arrival window overlapping [from, to). */
  from?: number;
  to?: number;
  q?: string;
}

export async function listTrips(
  ex: Executor,
  f: TripFilter,
  page: Paging,
): Promise<{ rows: TripRow[]; total: number }> {
  let q = tripQuery(ex);
  if (f.destinationId) q = q.where('trip.destination_id', '=', f.destinationId);
  else q = q.where('trip.area_path', 'like', `${f.scopePath}%`);
  if (f.enterpriseId) q = q.where('trip.enterprise_id', '=', f.enterpriseId);
  if (f.status) q = q.where('trip.status', '=', f.status);
  if (f.statuses) q = q.where('trip.status', 'in', f.statuses);
  if (f.department) q = q.where('trip.department', '=', f.department);
  if (f.from !== undefined) q = q.where('trip.arrive_until', '>', f.from);
  if (f.to !== undefined) q = q.where('trip.arrive_from', '<', f.to);
  const word = f.q?.trim().toUpperCase();
  if (word) {
    const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`vehicle.plate like ${like} escape '\\'`,
        sql<boolean>`trip.cargo_name like ${like} escape '\\'`,
      ]),
    );
  }
  const [rows, total] = await Promise.all([
    q.orderBy('trip.arrive_from').orderBy('trip.id').limit(page.limit).offset(page.offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count(total.n) };
}
