// The command centre's alerts (预警): the job's run reads each module's facts through that module's
// store or service, evaluates rules/alerts.json (alerts.rules), and in one transaction opens an alert
// per new condition (once: the unique open key), refreshes the evidence of those still holding and
// closes as cleared those whose condition is gone, each change audited. The duty officer lists the
// alerts of their area by severity and age, acknowledges one (once) and may close one with a note.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { assertInScope } from '../access/access.scope.ts';
import type { Executor } from '../db/database.ts';
import { areasByIds, rootArea } from '../db/sql.ts';
import { SYSTEM_ACTOR } from '../platform/audit.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { capacityView } from '../quarantine/capacity.service.ts';
import { unplacedOrdersBefore } from '../quarantine/capacity.store.ts';
import { openAlertsBefore } from '../quarantine/care.store.ts';
import { openReadablePools } from '../testing/testing.pools.store.ts';
import { crowdedVenues } from '../venues/venue.live.ts';
import { venuesByIds } from '../venues/venue.store.ts';
import { alertPolicy, type AlertPolicy } from './alerts.policy.ts';
import {
  evaluateAlerts,
  reconcileAlerts,
  type AlertCandidate,
  type AlertFacts,
  type AlertRule,
} from './alerts.rules.ts';
import type { AlertList, AlertListQuery, AlertView, CloseAlertBody } from './alerts.schema.ts';
import * as store from './alerts.store.ts';
import { wallChanged } from './command.live.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Open pools and crowded venues read per run (the oldest pools, the most crowded venues first). */
const POOLS_READ = 5000;
const VENUES_READ = 100;
const CONTACT_KINDS = ['close_contact', 'secondary_contact'];

/** The whole city as the job reads it: the command role at the root of the tree (reads only). */
async function cityReader(s: Services): Promise<Actor | null> {
  const root = await rootArea(s.db);
  if (!root) return null;
  return {
    userId: 'system',
    username: 'system',
    displayName: 'system',
    role: 'command',
    areaId: root.id,
    areaPath: root.path,
    via: 'token',
  };
}

/** Each module's facts; a module that fails to answer leaves its fact out (its alerts stay as they are). */
export async function alertFacts(s: Services, policy: AlertPolicy = alertPolicy()): Promise<AlertFacts> {
  const now = s.clock.now();
  const reader = await cityReader(s);
  if (!reader) return { now };
  const path = reader.areaPath;
  const r = policy.rules;
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      console.error(`command alerts: ${what} not read: ${(err as Error).message}`);
      return undefined;
    }
  };
  const [pools, unplacedOrders, districts, feverAlerts, venues] = await Promise.all([
    attempt('pools', async () =>
      (await openReadablePools(s.db, path, undefined, POOLS_READ)).map((p) => ({
        id: p.id,
        areaId: p.area_id,
        areaPath: p.area_path,
        detectedAt: Number(p.detected_at),
        members: Number(p.members),
        status: p.status,
      })),
    ),
    attempt('orders', async () =>
      (await unplacedOrdersBefore(s.db, path, CONTACT_KINDS, now - r.contact_unplaced.afterHours * HOUR)).map((o) => ({
        id: o.id,
        areaId: o.area_id,
        areaPath: o.area_path,
        kind: o.kind,
        createdAt: o.created_at,
      })),
    ),
    attempt('rooms', async () => {
      const view = await capacityView(s, reader, {});
      const paths = new Map(
        (
          await areasByIds(
            s.db,
            view.districts.map((d) => d.areaId),
          )
        ).map((a) => [a.id, a.path]),
      );
      return view.districts
        .filter((d) => paths.has(d.areaId))
        .map((d) => ({
          id: d.areaId,
          areaId: d.areaId,
          areaPath: paths.get(d.areaId)!,
          name: d.name,
          usable: d.rooms,
          free: d.free,
        }));
    }),
    attempt('fever alerts', async () =>
      (await openAlertsBefore(s.db, path, 'fever', now - r.fever_unanswered.afterMinutes * MINUTE)).map((a) => ({
        id: a.id,
        areaId: a.area_id,
        areaPath: a.area_path,
        raisedAt: a.raised_at,
        siteId: a.site_id,
      })),
    ),
    attempt('venues', async () => {
      const over = (await crowdedVenues(s, reader, VENUES_READ)).items.filter((v) => v.count > v.capacity);
      const rows = await venuesByIds(
        s.db,
        over.map((v) => v.id),
      );
      const byId = new Map(rows.map((v) => [v.id, v]));
      return over
        .filter((v) => byId.has(v.id))
        .map((v) => ({
          id: v.id,
          areaId: byId.get(v.id)!.area_id,
          areaPath: byId.get(v.id)!.area_path,
          name: v.name,
          count: v.count,
          capacity: v.capacity,
        }));
    }),
  ]);
  return { now, pools, unplacedOrders, districts, feverAlerts, venues };
}

export interface AlertRun {
  opened: number;
  held: number;
  cleared: number;
}

/** One run of the alert rules (the job's work; tests call it with their own clock). */
export async function runAlerts(s: Services, facts?: AlertFacts): Promise<AlertRun> {
  const policy = alertPolicy();
  const f = facts ?? (await alertFacts(s, policy));
  const { candidates, evaluated } = evaluateAlerts(policy.rules, f);
  const now = s.clock.now();
  const done = await s.db.transaction().execute(async (trx) => {
    const plan = reconcileAlerts(await store.unclosedAlerts(trx), candidates, evaluated as Set<string>);
    let opened = 0;
    for (const c of plan.open) {
      const id = randomUUID();
      if (!(await store.insertAlert(trx, rowOf(id, c, policy.version, now)))) continue;
      opened++;
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'command.alert.open',
        objectType: 'command_alert',
        objectId: id,
        detail: { rule: c.rule, severity: c.severity, subjectType: c.subjectType, subjectId: c.subjectId },
      });
    }
    for (const h of plan.hold) await store.holdAlert(trx, h.id, JSON.stringify(h.candidate.evidence), now);
    for (const id of plan.clear) {
      if (
        !(await store.closeAlert(trx, id, {
          close_reason: 'cleared',
          close_note: null,
          closed_by: null,
          closed_at: now,
        }))
      )
        continue;
      await s.audit(trx, SYSTEM_ACTOR, {
        action: 'command.alert.close',
        objectType: 'command_alert',
        objectId: id,
        detail: { reason: 'cleared' },
      });
    }
    return { opened, held: plan.hold.length, cleared: plan.clear.length };
  });
  if (done.opened || done.cleared) wallChanged(s, 'alerts');
  return done;
}

function rowOf(id: string, c: AlertCandidate, version: string, now: number): store.AlertRow {
  return {
    id,
    rule: c.rule,
    severity: c.severity,
    subject_type: c.subjectType,
    subject_id: c.subjectId,
    open_key: c.key,
    area_id: c.areaId,
    area_path: c.areaPath,
    evidence: JSON.stringify(c.evidence),
    notify: JSON.stringify(c.notify),
    rules_version: version,
    status: 'open',
    opened_at: now,
    seen_at: now,
    acknowledged_by: null,
    acknowledged_at: null,
    close_reason: null,
    close_note: null,
    closed_by: null,
    closed_at: null,
  };
}

async function views(s: Services, rows: readonly store.AlertRow[]): Promise<AlertView[]> {
  const names = new Map(
    (
      await areasByIds(
        s.db,
        rows.map((r) => r.area_id),
      )
    ).map((a) => [a.id, a.name]),
  );
  return rows.map((r) => ({
    id: r.id,
    rule: r.rule as AlertRule,
    severity: r.severity as AlertView['severity'],
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    areaId: r.area_id,
    areaName: names.get(r.area_id) ?? '',
    evidence: JSON.parse(r.evidence) as AlertView['evidence'],
    notify: JSON.parse(r.notify) as AlertView['notify'],
    rulesVersion: r.rules_version,
    status: r.status as AlertView['status'],
    openedAt: Number(r.opened_at),
    seenAt: Number(r.seen_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    closeReason: r.close_reason as AlertView['closeReason'],
    closeNote: r.close_note,
    closedBy: r.closed_by,
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
  }));
}

/** The duty officer's list: the actor's area, most severe first, then the oldest. */
export async function listAlerts(s: Services, actor: Actor, q: AlertListQuery): Promise<AlertList> {
  assertCan(actor, 'command.view');
  const page = { limit: q.limit ?? 50, offset: q.offset ?? 0 };
  const { rows, total } = await store.listAlerts(
    s.db,
    { path: actor.areaPath, status: q.status ?? 'active', rule: q.rule },
    page,
  );
  return { at: s.clock.now(), items: await views(s, rows), total, ...page };
}

async function alertInScope(ex: Executor, actor: Actor, id: string): Promise<store.AlertRow> {
  const row = await store.alertById(ex, id);
  if (!row) throw new AppError('COMMAND_ALERT_NOT_FOUND', { id });
  assertInScope(actor, row.area_path);
  return row;
}

/** A person takes the alert on: once (a second acknowledgement is refused with who took it and when). */
export async function acknowledgeAlert(s: Services, actor: Actor, id: string): Promise<AlertView> {
  assertCan(actor, 'command.view');
  const now = s.clock.now();
  const row = await s.db.transaction().execute(async (trx) => {
    const alert = await alertInScope(trx, actor, id);
    if (alert.status === 'closed') throw new AppError('COMMAND_ALERT_CLOSED');
    if (!(await store.acknowledgeAlert(trx, id, actor.username, now))) {
      const again = (await store.alertById(trx, id))!;
      if (again.status === 'closed') throw new AppError('COMMAND_ALERT_CLOSED');
      throw new AppError('COMMAND_ALERT_ALREADY_ACKNOWLEDGED', {
        by: again.acknowledged_by ?? '',
        at: new Date(Number(again.acknowledged_at)).toISOString(),
      });
    }
    await s.audit(trx, auditActor(actor), {
      action: 'command.alert.acknowledge',
      objectType: 'command_alert',
      objectId: id,
      detail: { rule: alert.rule },
    });
    return (await store.alertById(trx, id))!;
  });
  wallChanged(s, 'alerts');
  return (await views(s, [row]))[0]!;
}

/** A person closes the alert with a note (its condition may still hold: the next run opens a new one then). */
export async function closeAlertWithNote(
  s: Services,
  actor: Actor,
  id: string,
  body: CloseAlertBody,
): Promise<AlertView> {
  assertCan(actor, 'command.view');
  const now = s.clock.now();
  const row = await s.db.transaction().execute(async (trx) => {
    const alert = await alertInScope(trx, actor, id);
    const closed = await store.closeAlert(trx, id, {
      close_reason: 'note',
      close_note: body.note,
      closed_by: actor.username,
      closed_at: now,
    });
    if (!closed || alert.status === 'closed') throw new AppError('COMMAND_ALERT_CLOSED');
    await s.audit(trx, auditActor(actor), {
      action: 'command.alert.close',
      objectType: 'command_alert',
      objectId: id,
      reason: body.note,
      detail: { reason: 'note', rule: alert.rule },
    });
    return (await store.alertById(trx, id))!;
  });
  wallChanged(s, 'alerts');
  return (await views(s, [row]))[0]!;
}

/** Alerts not closed under the actor's area, by severity: the wall's panel. */
export async function activeAlertCounts(
  s: Services,
  actor: Actor,
): Promise<{ critical: number; high: number; medium: number; total: number }> {
  const rows = await store.activeAlertCounts(s.db, actor.areaPath);
  const n = (sev: string) => rows.find((r) => r.severity === sev)?.n ?? 0;
  return { critical: n('critical'), high: n('high'), medium: n('medium'), total: rows.reduce((a, r) => a + r.n, 0) };
}
