// The command centre's alert rules (预警), pure: which conditions hold now, given the facts each module
// answered and the thresholds of rules/alerts.json, and how they meet the alerts already open — a
// condition with no open alert opens one, a condition still holding keeps its alert (its evidence
// refreshed), an open alert whose condition no longer holds is closed as cleared. A rule whose facts
// could not be read this time is left out of the comparison, so its alerts neither open nor clear.
import type { Role } from '../access/access.rules.ts';

export const SEVERITIES = ['critical', 'high', 'medium'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const ALERT_RULES = [
  'pool_unresolved',
  'contact_unplaced',
  'rooms_low',
  'fever_unanswered',
  'venue_over_capacity',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const CLOSE_REASONS = ['cleared', 'note'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The thresholds the rules read (rules/alerts.json's `rules`). */
export interface AlertThresholds {
  pool_unresolved: { severity: Severity; notify: readonly Role[]; afterHours: number };
  contact_unplaced: { severity: Severity; notify: readonly Role[]; afterHours: number };
  rooms_low: { severity: Severity; notify: readonly Role[]; freeShareBelow: number };
  fever_unanswered: { severity: Severity; notify: readonly Role[]; afterMinutes: number };
  venue_over_capacity: { severity: Severity; notify: readonly Role[] };
}

interface Placed {
  id: string;
  areaId: string;
  areaPath: string;
}

/** What the modules answered; a fact left undefined was not read this time (its rule is not evaluated). */
export interface AlertFacts {
  now: number;
  /** Open suspected-positive pools (detected or reported, not settled). */
  pools?: ReadonlyArray<Placed & { detectedAt: number; members: number; status: string }>;
  /** Active centralised quarantine orders of contacts without a room (current or planned stay). */
  unplacedOrders?: ReadonlyArray<Placed & { kind: string; createdAt: number }>;
  /** Districts with their usable and free quarantine rooms. */
  districts?: ReadonlyArray<Placed & { name: string; usable: number; free: number }>;
  /** Open fever alerts of quarantine sites (not yet followed up). */
  feverAlerts?: ReadonlyArray<Placed & { raisedAt: number; siteId: string | null }>;
  /** Venues with their head-count and capacity. */
  venues?: ReadonlyArray<Placed & { name: string; count: number; capacity: number }>;
}

export interface AlertCandidate {
  rule: AlertRule;
  severity: Severity;
  subjectType: string;
  subjectId: string;
  /** Unique while the alert is open: the rule and its subject. */
  key: string;
  areaId: string;
  areaPath: string;
  evidence: Record<string, string | number | boolean | null>;
  notify: Role[];
}

export function alertKey(rule: AlertRule, subjectId: string): string {
  return `${rule}:${subjectId}`;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The conditions that hold now, one candidate per rule and subject, and the rules that were evaluated. */
export function evaluateAlerts(
  t: AlertThresholds,
  f: AlertFacts,
): { candidates: AlertCandidate[]; evaluated: Set<AlertRule> } {
  const out: AlertCandidate[] = [];
  const evaluated = new Set<AlertRule>();
  const push = (rule: AlertRule, subjectType: string, s: Placed, evidence: AlertCandidate['evidence']): void => {
    out.push({
      rule,
      severity: t[rule].severity,
      subjectType,
      subjectId: s.id,
      key: alertKey(rule, s.id),
      areaId: s.areaId,
      areaPath: s.areaPath,
      evidence,
      notify: [...t[rule].notify],
    });
  };
  if (f.pools) {
    evaluated.add('pool_unresolved');
    const limit = t.pool_unresolved.afterHours * HOUR;
    for (const p of f.pools) {
      const age = f.now - p.detectedAt;
      if (age > limit)
        push('pool_unresolved', 'pool', p, {
          status: p.status,
          members: p.members,
          detectedAt: p.detectedAt,
          ageHours: round1(age / HOUR),
          targetHours: t.pool_unresolved.afterHours,
        });
    }
  }
  if (f.unplacedOrders) {
    evaluated.add('contact_unplaced');
    const limit = t.contact_unplaced.afterHours * HOUR;
    for (const o of f.unplacedOrders) {
      const age = f.now - o.createdAt;
      if (age > limit)
        push('contact_unplaced', 'quarantine_order', o, {
          kind: o.kind,
          orderedAt: o.createdAt,
          ageHours: round1(age / HOUR),
          targetHours: t.contact_unplaced.afterHours,
        });
    }
  }
  if (f.districts) {
    evaluated.add('rooms_low');
    for (const d of f.districts) {
      // A district without usable rooms has nothing to run short of: its shortfall is the capacity page's norm.
      if (d.usable <= 0) continue;
      const share = d.free / d.usable;
      if (share < t.rooms_low.freeShareBelow)
        push('rooms_low', 'area', d, {
          district: d.name,
          usable: d.usable,
          free: d.free,
          freeShare: Math.round(share * 1000) / 1000,
          threshold: t.rooms_low.freeShareBelow,
        });
    }
  }
  if (f.feverAlerts) {
    evaluated.add('fever_unanswered');
    const limit = t.fever_unanswered.afterMinutes * MINUTE;
    for (const a of f.feverAlerts) {
      const age = f.now - a.raisedAt;
      if (age > limit)
        push('fever_unanswered', 'quarantine_alert', a, {
          siteId: a.siteId,
          raisedAt: a.raisedAt,
          ageMinutes: Math.floor(age / MINUTE),
          targetMinutes: t.fever_unanswered.afterMinutes,
        });
    }
  }
  if (f.venues) {
    evaluated.add('venue_over_capacity');
    for (const v of f.venues) {
      if (v.capacity > 0 && v.count > v.capacity)
        push('venue_over_capacity', 'venue', v, { venue: v.name, count: v.count, capacity: v.capacity });
    }
  }
  return { candidates: out, evaluated };
}

/** An alert not yet closed, as the comparison needs it. */
export interface OpenAlert {
  id: string;
  rule: string;
  key: string;
}

export interface Reconciled {
  /** Conditions without an open alert: open one each. */
  open: AlertCandidate[];
  /** Open alerts whose condition still holds, with the fresh evidence. */
  hold: Array<{ id: string; candidate: AlertCandidate }>;
  /** Open alerts of an evaluated rule whose condition no longer holds: close as cleared. */
  clear: string[];
}

export function reconcileAlerts(
  open: readonly OpenAlert[],
  candidates: readonly AlertCandidate[],
  evaluated: ReadonlySet<string>,
): Reconciled {
  const byKey = new Map(open.map((a) => [a.key, a]));
  const seen = new Set<string>();
  const out: Reconciled = { open: [], hold: [], clear: [] };
  for (const c of candidates) {
    if (seen.has(c.key)) continue;
    seen.add(c.key);
    const held = byKey.get(c.key);
    if (held) out.hold.push({ id: held.id, candidate: c });
    else out.open.push(c);
  }
  for (const a of open) if (evaluated.has(a.rule) && !seen.has(a.key)) out.clear.push(a.id);
  return out;
}

const RANK: Record<string, number> = { critical: 0, high: 1, medium: 2 };

/** The duty officer's order: most severe first, then the oldest. */
export function dutyOrder<T extends { severity: string; openedAt: number; id: string }>(alerts: readonly T[]): T[] {
  return [...alerts].sort(
    (a, b) => (RANK[a.severity] ?? 9) - (RANK[b.severity] ?? 9) || a.openedAt - b.openedAt || a.id.localeCompare(b.id),
  );
}
