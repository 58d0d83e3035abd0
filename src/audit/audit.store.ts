// Reading the audit log as an auditor does: filters that each follow an index of migration 0024
// (action, actor or object with seq; the time range on at), paging by seq (newest first, "before this
// seq"), and the objects named by what they are — a household's address, a person's masked name, a
// user's username — looked up in one query per object type for a page of events. The lookups read
// other domains' tables only for these labels, and only columns that are not sealed.
import { sql } from 'kysely';
import type { AuditEventTable, Executor } from '../db/database.ts';
import { parseInstant } from '../platform/calendar.ts';
import { AppError } from '../platform/errors.ts';
import { maskName } from '../platform/mask.ts';

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

// ---- objects by what they are ----------------------------------------------------------------

type Lookup = (ex: Executor, ids: string[]) => Promise<Array<{ id: string; label: string }>>;

const personLabel = (name: string | null) => (name ? maskName(name) : '');

const LOOKUPS: Record<string, Lookup> = {
  user: async (ex, ids) =>
    (await ex.selectFrom('app_user').select(['id', 'username', 'display_name']).where('id', 'in', ids).execute()).map(
      (r) => ({
        id: r.id,
        label: r.display_name && r.display_name !== r.username ? `${r.username}（${r.display_name}）` : r.username,
      }),
    ),
  person: async (ex, ids) =>
    (await ex.selectFrom('person').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: personLabel(r.name),
    })),
  household: async (ex, ids) =>
    (await ex.selectFrom('household').select(['id', 'address']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: r.address,
    })),
  building: async (ex, ids) =>
    (await ex.selectFrom('building').select(['id', 'name', 'address']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: r.address || r.name,
    })),
  area: async (ex, ids) =>
    (await ex.selectFrom('area').select(['id', 'name', 'code']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: `${r.name} ${r.code}`,
    })),
  venue: async (ex, ids) =>
    (await ex.selectFrom('venue').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: r.name,
    })),
  case: async (ex, ids) =>
    (
      await ex
        .selectFrom('case_record')
        .innerJoin('person', 'person.id', 'case_record.person_id')
        .select(['case_record.id as id', 'person.name as name'])
        .where('case_record.id', 'in', ids)
        .execute()
    ).map((r) => ({ id: r.id, label: personLabel(r.name) })),
  contact: async (ex, ids) =>
    (
      await ex
        .selectFrom('contact')
        .innerJoin('person', 'person.id', 'contact.person_id')
        .select(['contact.id as id', 'person.name as name'])
        .where('contact.id', 'in', ids)
        .execute()
    ).map((r) => ({ id: r.id, label: personLabel(r.name) })),
  risk_area: async (ex, ids) =>
    (await ex.selectFrom('risk_area').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: r.name,
    })),
  testing_round: async (ex, ids) =>
    (await ex.selectFrom('testing_round').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => ({
      id: r.id,
      label: r.name,
    })),
};

/** Labels of the objects the events name, keyed "type:id"; objects of other types, or gone, have none. */
export async function objectLabels(
  ex: Executor,
  rows: Array<Pick<AuditRow, 'object_type' | 'object_id'>>,
): Promise<Map<string, string>> {
  const byType = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!r.object_id || !LOOKUPS[r.object_type]) continue;
    const ids = byType.get(r.object_type) ?? new Set<string>();
    ids.add(r.object_id);
    byType.set(r.object_type, ids);
  }
  const labels = new Map<string, string>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      for (const { id, label } of await LOOKUPS[type]!(ex, [...ids])) if (label) labels.set(`${type}:${id}`, label);
    }),
  );
  return labels;
}
