// The SQL of transmission chains: the cases of an area subtree and their contacts (those nobody
// dismissed) with the names and areas of the people, within a date range and of the classes asked for.
import type { Executor } from '../db/database.ts';

const CHUNK = 400;

export interface ChainCaseRow {
  id: string;
  person_id: string;
  person_name: string;
  area_name: string;
  classification: string;
  status: string;
  onset_at: number | null;
  first_positive_sampled_at: number | null;
  created_at: number;
}

export interface ChainContactRow {
  id: string;
  case_id: string;
  person_id: string;
  person_name: string;
  area_name: string;
  class: string;
  basis: string;
  review_status: string;
  rule: string;
  first_exposure_at: number | null;
  last_exposure_at: number | null;
  evidence: string;
  source_contact_id: string | null;
  /** 1 when found as a close-contact candidate (pending review until someone reviews it). */
  candidate: number;
}

/** Cases whose person lives in the subtree, oldest first (capped: a city's chains, not a province's). */
export async function chainCases(ex: Executor, path: string, limit: number): Promise<ChainCaseRow[]> {
  const rows = await ex
    .selectFrom('case_record')
    .innerJoin('person', 'person.id', 'case_record.person_id')
    .innerJoin('area', 'area.id', 'person.area_id')
    .select([
      'case_record.id',
      'case_record.person_id',
      'person.name as person_name',
      'area.name as area_name',
      'case_record.classification',
      'case_record.status',
      'case_record.onset_at',
      'case_record.first_positive_sampled_at',
      'case_record.created_at',
    ])
    .where('area.path', 'like', `${path}%`)
    .orderBy('case_record.created_at')
    .orderBy('case_record.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...r,
    onset_at: r.onset_at === null ? null : Number(r.onset_at),
    first_positive_sampled_at: r.first_positive_sampled_at === null ? null : Number(r.first_positive_sampled_at),
    created_at: Number(r.created_at),
  }));
}

/** The contacts of the cases that nobody dismissed, overlapping [from, to) and of the classes when given. */
export async function chainContacts(
  ex: Executor,
  caseIds: readonly string[],
  range: { from?: number; to?: number; classes?: readonly string[] },
): Promise<ChainContactRow[]> {
  const out: ChainContactRow[] = [];
  const ids = [...new Set(caseIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    let q = ex
      .selectFrom('contact')
      .innerJoin('person', 'person.id', 'contact.person_id')
      .innerJoin('area', 'area.id', 'person.area_id')
      .select([
        'contact.id',
        'contact.case_id',
        'contact.person_id',
        'person.name as person_name',
        'area.name as area_name',
        'contact.class',
        'contact.basis',
        'contact.review_status',
        'contact.rule',
        'contact.first_exposure_at',
        'contact.last_exposure_at',
        'contact.evidence',
        'contact.source_contact_id',
        'contact.candidate',
      ])
      .where('contact.case_id', 'in', ids.slice(i, i + CHUNK))
      .where('contact.review_status', '<>', 'dismissed');
    if (range.classes) q = q.where('contact.class', 'in', [...range.classes]);
    if (range.to !== undefined)
      q = q.where((eb) =>
        eb.or([eb('contact.first_exposure_at', 'is', null), eb('contact.first_exposure_at', '<', range.to!)]),
      );
    if (range.from !== undefined)
      q = q.where((eb) =>
        eb.or([eb('contact.last_exposure_at', 'is', null), eb('contact.last_exposure_at', '>=', range.from!)]),
      );
    const rows = await q.orderBy('contact.id').execute();
    for (const r of rows) {
      out.push({
        ...r,
        first_exposure_at: r.first_exposure_at === null ? null : Number(r.first_exposure_at),
        last_exposure_at: r.last_exposure_at === null ? null : Number(r.last_exposure_at),
        candidate: Number(r.candidate),
      });
    }
  }
  return out;
}
