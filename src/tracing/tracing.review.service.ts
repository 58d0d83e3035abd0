// The investigator's review queue (待研判): every unreviewed contact of the cases in the actor's
// scope, with its case, so that confirm / reclassify / dismiss (tracing.service reviewContact) can be
// worked through in one list. Reading it reads personal data: audited.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import type { Page } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import type { ContactView } from './tracing.schema.ts';
import { toContactView, withScanGaps } from './tracing.service.ts';
import type { Paging } from './tracing.store.ts';
import * as store from './tracing.review.store.ts';

export interface QueueItem extends ContactView {
  case: { id: string; personName: string; areaName: string; status: string; classification: string };
}

export async function reviewQueue(
  s: Services,
  actor: Actor,
  q: { class?: string; caseId?: string },
  paging: Paging,
): Promise<Page<QueueItem>> {
  assertCan(actor, 'case.read');
  return s.db.transaction().execute(async (trx) => {
    const { rows, total } = await store.reviewQueue(
      trx,
      { path: actor.areaPath, class: q.class, caseId: q.caseId },
      paging,
    );
    await s.audit(trx, auditActor(actor), {
      action: 'contact.queue.read',
      objectType: 'contact',
      objectId: null,
      detail: { class: q.class ?? null, caseId: q.caseId ?? null, results: total, offset: paging.offset },
    });
    return {
      items: await withScanGaps(
        trx,
        rows.map((r) => ({
          ...toContactView(s, r),
          case: {
            id: r.case_id,
            personName: r.case_person_name,
            areaName: r.case_area_name,
            status: r.case_status,
            classification: r.case_classification,
          },
        })),
      ),
      total,
      ...paging,
    };
  });
}

/** How many contacts the review queue holds for the actor's area (its total); a count only, not audited. */
export async function pendingReviewCount(s: Services, actor: Actor): Promise<number> {
  assertCan(actor, 'case.read');
  return (await store.reviewQueue(s.db, { path: actor.areaPath }, { limit: 0, offset: 0 })).total;
}
