// The only SQL of designated hospitals.
import type { Executor, HospitalTable } from '../db/database.ts';

export type HospitalRow = HospitalTable & { area_name: string };

function hospitalQuery(ex: Executor) {
  return ex
    .selectFrom('hospital')
    .innerJoin('area', 'area.id', 'hospital.area_id')
    .selectAll('hospital')
    .select('area.name as area_name');
}

export async function insertHospital(ex: Executor, row: HospitalTable): Promise<void> {
  await ex.insertInto('hospital').values(row).execute();
}

export async function hospitalById(ex: Executor, id: string): Promise<HospitalRow | undefined> {
  return hospitalQuery(ex).where('hospital.id', '=', id).executeTakeFirst();
}

export async function updateHospital(
  ex: Executor,
  id: string,
  changes: Partial<Omit<HospitalTable, 'id'>>,
): Promise<void> {
  await ex.updateTable('hospital').set(changes).where('id', '=', id).execute();
}

/** Hospitals under an area path (every one when the path is ''), active ones only when asked. */
export async function hospitalsUnder(ex: Executor, path: string, activeOnly = false): Promise<HospitalRow[]> {
  let q = hospitalQuery(ex).where('hospital.area_path', 'like', `${path}%`);
  if (activeOnly) q = q.where('hospital.active', '=', 1);
  return q.orderBy('hospital.area_path').orderBy('hospital.name').orderBy('hospital.id').execute();
}
