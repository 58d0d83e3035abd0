// The reads of the capacity picture on the quarantine tables: the active orders under an area with
// whether each has a room (current or planned stay), and when each occupied room's people finish their
// centralised phase (the room is released then).
import { sql } from 'kysely';
import type { Executor } from '../db/database.ts';
import { chunks } from '../db/sql.ts';

export interface ActiveOrderRow {
  id: string;
  kind: string;
  place: string;
  start_at: number;
  centralised_until: number;
  ends_at: number;
  placed: boolean;
}

export async function activeOrdersUnder(ex: Executor, path: string): Promise<ActiveOrderRow[]> {
  const rows = await ex
    .selectFrom('quarantine_order as o')
    .select(['o.id', 'o.kind', 'o.place', 'o.start_at', 'o.centralised_until', 'o.ends_at'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('quarantine_stay as st')
            .select(sql`1`.as('one'))
            .whereRef('st.order_id', '=', 'o.id')
            .where('st.status', 'in', ['current', 'planned']),
        )
        .as('placed'),
    )
    .where('o.status', '=', 'active')
    .where('o.area_path', 'like', `${path}%`)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    place: r.place,
    start_at: Number(r.start_at),
    centralised_until: Number(r.centralised_until),
    ends_at: Number(r.ends_at),
    placed: r.placed === true || Number(r.placed) === 1,
  }));
}

/** For each room of these sites with someone staying now: when the last of them ends the centralised phase. */
export async function roomReleases(
  ex: Executor,
  siteIds: readonly string[],
): Promise<Array<{ room_id: string; until: number }>> {
  const out: Array<{ room_id: string; until: number }> = [];
  for (const part of chunks([...new Set(siteIds)])) {
    const rows = await ex
      .selectFrom('quarantine_stay as st')
      .innerJoin('quarantine_order as o', 'o.id', 'st.order_id')
      .select((eb) => ['st.room_id', eb.fn.max('o.centralised_until').as('until')])
      .where('st.site_id', 'in', part)
      .where('st.status', '=', 'current')
      .groupBy('st.room_id')
      .execute();
    for (const r of rows) out.push({ room_id: r.room_id, until: Number(r.until) });
  }
  return out;
}

/**
 * Active centralised orders of the given kinds under `path` without a room (no current or planned stay),
 * ordered before `before`: the command centre's "contact unplaced" alert.
 */
export async function unplacedOrdersBefore(
  ex: Executor,
  path: string,
  kinds: readonly string[],
  before: number,
): Promise<Array<{ id: string; kind: string; area_id: string; area_path: string; created_at: number }>> {
  const rows = await ex
    .selectFrom('quarantine_order as o')
    .select(['o.id', 'o.kind', 'o.area_id', 'o.area_path', 'o.created_at'])
    .where('o.status', '=', 'active')
    .where('o.place', '=', 'centralised')
    .where('o.kind', 'in', [...kinds])
    .where('o.area_path', 'like', `${path}%`)
    .where('o.created_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('quarantine_stay as st')
            .select(sql`1`.as('one'))
            .whereRef('st.order_id', '=', 'o.id')
            .where('st.status', 'in', ['current', 'planned']),
        ),
      ),
    )
    .execute();
  return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
}
