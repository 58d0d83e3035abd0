// The only SQL of designated hospitals.
import type { Executor, HospitalTable } from '../db/database.ts';
import { withAreaNames } from '../db/sql.ts';

export type HospitalRow = HospitalTable & { area_name: string };

function hospitalQuery(ex: Executor) {
  return ex.selectFrom('hospital').selectAll('hospital');
}

export async function insertHospital(ex: Executor, row: HospitalTable): Promise<void> {
  await ex.insertInto('hospital').values(row).execute();
}

export async function hospitalById(ex: Executor, id: string): Promise<HospitalRow | undefined> {
  const row = await hospitalQuery(ex).where('hospital.id', '=', id).executeTakeFirst();
  return row ? (await withAreaNames(ex, [row]))[0] : undefined;
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
  return withAreaNames(
    ex,
    await q.orderBy('hospital.area_path').orderBy('hospital.name').orderBy('hospital.id').execute(),
  );
}
