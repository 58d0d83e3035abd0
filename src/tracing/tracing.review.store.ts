// The SQL of the investigator's review queue: contacts nobody has reviewed yet, across the cases of
// an area subtree (by the case's person), close-contact candidates first, earliest exposure first. The
// case's person and area are joined (the subtree filters on them); each contact's person is read from
// the registry after the page.
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { personsWithArea } from '../registry/registry.store.ts';
import type { ContactListRow, Paging } from './tracing.store.ts';

export interface QueueRow extends ContactListRow {
  case_person_name: string;
  case_area_name: string;
  case_status: string;
  case_classification: string;
}

export interface QueueFilter {
  path: string;
  class?: string;
  caseId?: string;
}

export async function reviewQueue(
  ex: Executor,
  f: QueueFilter,
  paging: Paging,
): Promise<{ rows: QueueRow[]; total: number }> {
  let q = ex
    .selectFrom('contact')
    .innerJoin('case_record', 'case_record.id', 'contact.case_id')
    .innerJoin('person as cp', 'cp.id', 'case_record.person_id')
    .innerJoin('area as ca', 'ca.id', 'cp.area_id')
    .where('contact.review_status', '=', 'pending')
    .where('ca.path', 'like', `${f.path}%`);
  if (f.class) q = q.where('contact.class', '=', f.class);
  if (f.caseId) q = q.where('contact.case_id', '=', f.caseId);
  const [rows, total] = await Promise.all([
    q
      .selectAll('contact')
      .select([
        'cp.name as case_person_name',
        'ca.name as case_area_name',
        'case_record.status as case_status',
        'case_record.classification as case_classification',
      ])
      .orderBy(sql`case when contact.candidate = 1 then 0 else 1 end`)
      .orderBy(sql`case contact.class when 'close' then 0 when 'secondary' then 1 else 2 end`)
      .orderBy('contact.first_exposure_at')
      .orderBy('contact.id')
      .limit(paging.limit)
      .offset(paging.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  const people = new Map(
    (
      await personsWithArea(
        ex,
        rows.map((r) => r.person_id),
      )
    ).map((p) => [p.id, p]),
  );
  return {
    rows: rows.flatMap((r) => {
      const p = people.get(r.person_id);
      return p ? [{ ...r, person_name: p.name, phone_enc: p.phone_enc, area_name: p.area_name }] : [];
    }),
    total: Number(total.n),
  };
}
