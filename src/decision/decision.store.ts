// Every SQL statement of decision support: the stored projections (decision_projection), and the two
// set-based reads of tracing's cases the estimator starts from — an area's case series and its
// infector–infectee pairs — each one query over cases, their people and their homes' areas.
import type { DecisionProjectionTable, Executor } from '../db/database.ts';

export interface CaseForSeries {
  id: string;
  classification: string;
  source: string;
  onset_at: number | null;
  first_positive_sampled_at: number | null;
  isolated_at: number | null;
  created_at: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The infections (confirmed cases and asymptomatic infections) of the people living under `path`
 * registered since `since` (epoch ms), oldest first.
 */
export async function casesForSeries(ex: Executor, path: string, since: number): Promise<CaseForSeries[]> {
  // reads case_record, person, area (owners: tracing, registry): an area's whole case series, filtered by home path in one query
  const rows = await ex
    .selectFrom('case_record')
    .innerJoin('person', 'person.id', 'case_record.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .where('area.path', 'like', `${path}%`)
    .where('case_record.classification', 'in', ['confirmed', 'asymptomatic'])
    .where('case_record.created_at', '>=', since)
    .select([
      'case_record.id',
      'case_record.classification',
      'case_record.source',
      'case_record.onset_at',
      'case_record.first_positive_sampled_at',
      'case_record.isolated_at',
      'case_record.created_at',
    ])
    .orderBy('case_record.created_at')
    .execute();
  return rows.map((r) => ({
    ...r,
    onset_at: num(r.onset_at),
    first_positive_sampled_at: num(r.first_positive_sampled_at),
    isolated_at: num(r.isolated_at),
    created_at: Number(r.created_at),
  }));
}

/**
 * Infector–infectee pairs under `path`: a close contact of a case (the infector, living under `path`)
 * who became a case after being named, with both onsets known; registered since `since`.
 */
export async function infectorPairs(
  ex: Executor,
  path: string,
  since: number,
): Promise<Array<{ infectorOnset: number; infecteeOnset: number }>> {
  // reads contact, case_record, person, area (owners: tracing, registry): the pairs are a join of contacts to the cases they became, thousands at once
  const rows = await ex
    .selectFrom('contact')
    .innerJoin('case_record as infector', 'infector.id', 'contact.case_id')
    .innerJoin('case_record as infectee', 'infectee.person_id', 'contact.person_id')
    .innerJoin('person', 'person.id', 'infector.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .where('area.path', 'like', `${path}%`)
    .where('contact.class', '=', 'close')
    .where('contact.review_status', '!=', 'dismissed')
    .whereRef('infectee.id', '!=', 'infector.id')
    .whereRef('infectee.created_at', '>=', 'contact.created_at')
    .where('infector.onset_at', 'is not', null)
    .where('infectee.onset_at', 'is not', null)
    .where('infector.created_at', '>=', since)
    .select(['infector.onset_at as infector_onset', 'infectee.onset_at as infectee_onset'])
    .execute();
  return rows.map((r) => ({ infectorOnset: Number(r.infector_onset), infecteeOnset: Number(r.infectee_onset) }));
}

// ---- stored projections -------------------------------------------------------------------------

export async function insertProjection(ex: Executor, row: DecisionProjectionTable): Promise<void> {
  await ex.insertInto('decision_projection').values(row).execute();
}

function normalise(r: DecisionProjectionTable): DecisionProjectionTable {
  return {
    ...r,
    horizon: Number(r.horizon),
    created_at: Number(r.created_at),
    scored_at: r.scored_at === null ? null : Number(r.scored_at),
  };
}

export async function projectionById(ex: Executor, id: string): Promise<DecisionProjectionTable | undefined> {
  const r = await ex.selectFrom('decision_projection').selectAll().where('id', '=', id).executeTakeFirst();
  return r && normalise(r);
}

/** The latest projections of the areas under `path`, newest first. */
export async function recentProjections(
  ex: Executor,
  path: string,
  limit: number,
  areaId?: string,
): Promise<DecisionProjectionTable[]> {
  let q = ex.selectFrom('decision_projection').selectAll().where('area_path', 'like', `${path}%`);
  if (areaId) q = q.where('area_id', '=', areaId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
  return rows.map(normalise);
}

/** Unscored projections whose first day is on or before `firstDayAtMost` (their last day has passed). */
export async function unscoredFirstDayUpTo(
  ex: Executor,
  firstDayAtMost: string,
  limit: number,
): Promise<DecisionProjectionTable[]> {
  const rows = await ex
    .selectFrom('decision_projection')
    .selectAll()
    .where('scored_at', 'is', null)
    .where('first_day', '<=', firstDayAtMost)
    .orderBy('first_day')
    .limit(limit)
    .execute();
  return rows.map(normalise);
}

export async function setScore(ex: Executor, id: string, score: string, at: number): Promise<void> {
  await ex
    .updateTable('decision_projection')
    .set({ score, scored_at: at })
    .where('id', '=', id)
    .where('scored_at', 'is', null)
    .execute();
}
