// The only SQL on transfer stations, their vehicles' visits and the visits' stamped steps.
import type { Executor, StationVisitStepTable, StationVisitTable, TransferStationTable } from '../db/database.ts';

export async function stationById(ex: Executor, id: string): Promise<TransferStationTable | undefined> {
  return ex.selectFrom('transfer_station').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertStation(ex: Executor, row: TransferStationTable): Promise<void> {
  await ex.insertInto('transfer_station').values(row).execute();
}

export async function listStations(ex: Executor, scopePath: string): Promise<TransferStationTable[]> {
  return ex
    .selectFrom('transfer_station')
    .selectAll()
    .where('area_path', 'like', `${scopePath}%`)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function visitById(ex: Executor, id: string): Promise<StationVisitTable | undefined> {
  return ex.selectFrom('station_visit').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertVisit(ex: Executor, row: StationVisitTable): Promise<void> {
  await ex.insertInto('station_visit').values(row).execute();
}

/** Moves a visit on from `from` only: a second stamp of the same step finds nothing to change. */
export async function advanceVisit(
  ex: Executor,
  id: string,
  from: string,
  changes: Partial<Omit<StationVisitTable, 'id'>>,
): Promise<boolean> {
  const r = await ex
    .updateTable('station_visit')
    .set(changes)
    .where('id', '=', id)
    .where('step', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertStep(ex: Executor, row: StationVisitStepTable): Promise<void> {
  await ex.insertInto('station_visit_step').values(row).execute();
}

export async function stepsOf(ex: Executor, visitIds: string[]): Promise<StationVisitStepTable[]> {
  if (!visitIds.length) return [];
  return ex
    .selectFrom('station_visit_step')
    .selectAll()
    .where('visit_id', 'in', visitIds)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** The station's visits: those inside (not closed), or also those closed since `closedSince`. */
export async function visitsOf(ex: Executor, stationId: string, closedSince: number): Promise<StationVisitTable[]> {
  return ex
    .selectFrom('station_visit')
    .selectAll()
    .where('station_id', '=', stationId)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', closedSince)]))
    .orderBy('arrived_at')
    .orderBy('id')
    .execute();
}

/** An open visit of a plate at a station, if any. */
export async function openVisitOfPlate(
  ex: Executor,
  stationId: string,
  plate: string,
): Promise<StationVisitTable | undefined> {
  return ex
    .selectFrom('station_visit')
    .selectAll()
    .where('station_id', '=', stationId)
    .where('plate', '=', plate)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
}
