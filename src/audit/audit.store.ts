// Reading the audit log as an auditor does: filters that each follow an index of migration 0024
// (action, actor or object with seq; the time range on at), paging by seq (newest first, "before this
// seq"); only columns that are not sealed. The objects are named by what they are — a household's
// address, a person's masked name, a user's username — in audit.service.ts, asked of each owning
// domain's store, one query per object type for a page of events.
import { sql } from 'kysely';
import type { AuditEventTable, Executor } from '../db/database.ts';
import { parseInstant } from '../platform/calendar.ts';
import { AppError } from '../platform/errors.ts';

export interface AuditFilter {
  /** An action ("user.update"), or a family of them ending in "." or ".*" ("user.*"). */
  action?: string;
  actorId?: string;
  /** The actor's recorded name (a username), exactly. */
  actor?: string;
  objectType?: string;
  objectId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Text searched for in the reason, the detail and the actor's name. */
  q?: string;
}

export type AuditRow = AuditEventTable;

function likeText(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The action filter: exact, or a family ("user.*" / "user.") by prefix. */
export function actionPattern(action: string): { exact: string } | { prefix: string } {
  const a = action.trim();
  if (a.endsWith('.*')) return { prefix: a.slice(0, -1) };
  if (a.endsWith('.')) return { prefix: a };
  return { exact: a };
}

function filtered(ex: Executor, f: AuditFilter) {
  let q = ex.selectFrom('audit_event');
  if (f.action) {
    const p = actionPattern(f.action);
    q =
      'exact' in p
        ? q.where('action', '=', p.exact)
        : q.where(sql<boolean>`action like ${`${p.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  }
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.actor) q = q.where('actor_name', '=', f.actor.trim());
  if (f.objectType) q = q.where('object_type', '=', f.objectType);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.q) {
    const pattern = likeText(f.q.trim());
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`reason like ${pattern} escape '\\'`,
        sql<boolean>`detail like ${pattern} escape '\\'`,
        sql<boolean>`actor_name like ${pattern} escape '\\'`,
      ]),
    );
  }
  return q;
}

/** One page of events, newest first, strictly before `beforeSeq` when given; and the cursor of the next. */
export async function auditPage(
  ex: Executor,
  f: AuditFilter,
  limit: number,
  beforeSeq?: number,
): Promise<{ rows: AuditRow[]; nextBeforeSeq: number | null }> {
  let q = filtered(ex, f);
  if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
  const rows = await q
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextBeforeSeq: more ? Number(page[page.length - 1]!.seq) : null };
}

/** Every matching event, newest first, read in pages by seq (for an export of any size). */
export async function* auditRows(ex: Executor, f: AuditFilter, pageSize = 1000): AsyncGenerator<AuditRow[]> {
  let before: number | undefined;
  for (;;) {
    const { rows, nextBeforeSeq } = await auditPage(ex, f, pageSize, before);
    if (rows.length) yield rows;
    if (nextBeforeSeq === null) return;
    before = nextBeforeSeq;
  }
}

/** An instant from a date (its first instant in the zone; a `to` date means that day's end), an ISO time with offset, or epoch ms. */
export function parseAuditTime(value: string | undefined, timeZone: string, bound: 'from' | 'to'): number | undefined {
  const at = parseInstant(value, timeZone, bound);
  if (at === null) throw new AppError('AUDIT_TIME_INVALID', { field: bound, value: value!.trim().slice(0, 40) });
  return at;
}
