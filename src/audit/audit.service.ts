// Reading the audit log: a page of events or every event of a filter, each with its object named
// (a household's address, a person's masked name). Permission and scope are checked by the routes.
import type { Services } from '../services.ts';
import { auditPage, auditRows, objectLabels, type AuditFilter, type AuditRow } from './audit.store.ts';

export { parseAuditTime, type AuditFilter, type AuditRow } from './audit.store.ts';

export interface LabelledEvents {
  rows: AuditRow[];
  /** What each object is, keyed `type:id`. */
  labels: Map<string, string>;
}

/** One page of the filtered log, newest first, before `beforeSeq` when given. */
export async function auditEventsPage(
  s: Services,
  filter: AuditFilter,
  limit: number,
  beforeSeq?: number,
): Promise<LabelledEvents & { nextBeforeSeq: number | null }> {
  const { rows, nextBeforeSeq } = await auditPage(s.db, filter, limit, beforeSeq);
  return { rows, labels: await objectLabels(s.db, rows), nextBeforeSeq };
}

/** Every event of the filter, a batch at a time (for an export streamed to the reader). */
export async function* auditEventBatches(s: Services, filter: AuditFilter): AsyncGenerator<LabelledEvents> {
  for await (const rows of auditRows(s.db, filter)) yield { rows, labels: await objectLabels(s.db, rows) };
}
