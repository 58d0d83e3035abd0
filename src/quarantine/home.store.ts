// Every SQL statement of home quarantine and home health monitoring (居家隔离 / 居家健康监测): the
// homes of the orders served at home with their addresses, the daily reports (quarantine_check rows
// made by the person or by the community worker's phone call or visit) and the breaches.
import type {
  Executor,
  QuarantineBreachTable,
  QuarantineCheckTable,
  QuarantineHomeServiceTable,
} from '../db/database.ts';
import { chunks } from '../db/sql.ts';
import { personHomes } from '../registry/registry.store.ts';

/** The address of each person's household: building name, unit and door (no personal data beyond it). */
export async function addressesOf(ex: Executor, personIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const r of await personHomes(ex, personIds)) {
    const place = [r.building_name, r.unit, r.door].filter((x): x is string => !!x && x.length > 0).join(' ');
    out.set(r.id, place || r.address || '');
  }
  return out;
}

export async function latestChecks(
  ex: Executor,
  orderIds: readonly string[],
): Promise<Map<string, QuarantineCheckTable>> {
  const out = new Map<string, QuarantineCheckTable>();
  for (const part of chunks([...new Set(orderIds)])) {
    const rows = await ex
      .selectFrom('quarantine_check')
      .selectAll()
      .where('order_id', 'in', part)
      .orderBy('recorded_at', 'desc')
      .execute();
    for (const r of rows) if (!out.has(r.order_id)) out.set(r.order_id, { ...r, recorded_at: Number(r.recorded_at) });
  }
  return out;
}

export async function breachCounts(ex: Executor, orderIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks([...new Set(orderIds)])) {
    const rows = await ex
      .selectFrom('quarantine_breach')
      .select(['order_id', (eb) => eb.fn.countAll().as('n')])
      .where('order_id', 'in', part)
      .groupBy('order_id')
      .execute();
    for (const r of rows) out.set(r.order_id, Number(r.n));
  }
  return out;
}

/** One report per order, date and slot: a second report of the same slot replaces the first. */
export async function upsertCheck(ex: Executor, row: QuarantineCheckTable): Promise<void> {
  await ex
    .insertInto('quarantine_check')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['order_id', 'date', 'slot']).doUpdateSet({
        temperature: row.temperature,
        symptoms: row.symptoms,
        by: row.by,
        recorded_by: row.recorded_by,
        recorded_at: row.recorded_at,
      }),
    )
    .execute();
}

export async function insertBreach(ex: Executor, row: QuarantineBreachTable): Promise<void> {
  await ex.insertInto('quarantine_breach').values(row).execute();
}

/** Active orders served at home with their schedules, for the home-sampling tasks of their test days. */
export async function activeHomeOrders(ex: Executor) {
  return ex
    .selectFrom('quarantine_order')
    .select(['id', 'person_id', 'test_days'])
    .where('status', '=', 'active')
    .where('place', 'in', ['home_quarantine', 'home_health_monitoring'])
    .where('test_days', '!=', '[]')
    .execute();
}

/** A delivery to a sealed home or a collection of its garbage. */
export async function insertService(ex: Executor, row: QuarantineHomeServiceTable): Promise<void> {
  await ex.insertInto('quarantine_home_service').values(row).execute();
}

export async function servicesOf(ex: Executor, orderId: string): Promise<QuarantineHomeServiceTable[]> {
  const rows = await ex
    .selectFrom('quarantine_home_service')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map(normaliseService);
}

/** The latest delivery and the latest garbage collection of each order. */
export async function latestServices(
  ex: Executor,
  orderIds: readonly string[],
): Promise<Map<string, { delivery?: QuarantineHomeServiceTable; garbage?: QuarantineHomeServiceTable }>> {
  const out = new Map<string, { delivery?: QuarantineHomeServiceTable; garbage?: QuarantineHomeServiceTable }>();
  for (const part of chunks([...new Set(orderIds)])) {
    const rows = await ex
      .selectFrom('quarantine_home_service')
      .selectAll()
      .where('order_id', 'in', part)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const r of rows) {
      const seen = out.get(r.order_id) ?? {};
      const kind = r.kind as 'delivery' | 'garbage';
      if (!seen[kind]) seen[kind] = normaliseService(r);
      out.set(r.order_id, seen);
    }
  }
  return out;
}

function normaliseService(r: QuarantineHomeServiceTable): QuarantineHomeServiceTable {
  return {
    ...r,
    bags: r.bags === null ? null : Number(r.bags),
    at: Number(r.at),
    recorded_at: Number(r.recorded_at),
  };
}
