// Pure decisions of the notification call lists (通知): the outcomes of a call, the status a task
// takes after one, which tasks a tracing result opens, reopens or withdraws, and which community a
// contact's call belongs to, and what a contact must be told (from the rule set, never from code). No I/O.
import { managementPlan, type TestDate } from '../rules/ruleset.rules.ts';
import type { ManagedGroup, RuleSet } from '../rules/ruleset.schema.ts';

export const CALL_OUTCOMES = ['reached', 'not_reached', 'refused'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const CALL_STATUSES = ['pending', 'reached', 'not_reached', 'refused', 'withdrawn'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/** The task's status after a call: the call's outcome. */
export function statusAfter(outcome: CallOutcome): CallStatus {
  return outcome;
}

/** Whether a call may be recorded on a task in this status (a withdrawn task takes no more calls). */
export function acceptsCalls(status: string): boolean {
  return status !== 'withdrawn';
}

export interface ContactState {
  contactId: string;
  /** The investigator dismissed it: nobody should be called. */
  dismissed: boolean;
}

export interface TaskState {
  contactId: string;
  status: string;
  attempts: number;
}

export interface TaskPlan {
  /** Contacts that get a new task. */
  create: string[];
  /** Withdrawn tasks whose contact is live again: back on the list. */
  reopen: string[];
  /** Live tasks whose contact was dismissed or is no longer found. */
  withdraw: string[];
}

/**
 * What a case's current contacts mean for its call tasks: a task per live contact (created once, so
 * re-running tracing changes nothing), reopened when a dismissed contact is reinstated, withdrawn when
 * the contact is dismissed or gone. Calls already made stay on the task.
 */
export function planTasks(contacts: readonly ContactState[], tasks: readonly TaskState[]): TaskPlan {
  const byContact = new Map(tasks.map((t) => [t.contactId, t]));
  const live = new Set(contacts.filter((c) => !c.dismissed).map((c) => c.contactId));
  const plan: TaskPlan = { create: [], reopen: [], withdraw: [] };
  for (const id of [...live].sort()) {
    const task = byContact.get(id);
    if (!task) plan.create.push(id);
    else if (task.status === 'withdrawn') plan.reopen.push(id);
  }
  for (const t of tasks) {
    if (!live.has(t.contactId) && t.status !== 'withdrawn') plan.withdraw.push(t.contactId);
  }
  plan.withdraw.sort();
  return plan;
}

/** The status a reopened task returns to: pending when nobody called yet, else still to be reached. */
export function reopenedStatus(attempts: number): CallStatus {
  return attempts > 0 ? 'not_reached' : 'pending';
}

/** The path prefixes of an area path, longest first ("a/b/c/" → "a/b/c/", "a/b/", "a/"). */
export function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = parts.length; i >= 1; i--) out.push(`${parts.slice(0, i).join('/')}/`);
  return out;
}

/** The community an area path lies in, from the known communities by path; else null. */
export function communityOf(path: string, communities: ReadonlyMap<string, { id: string }>): { id: string } | null {
  for (const p of pathPrefixes(path)) {
    const c = communities.get(p);
    if (c) return c;
  }
  return null;
}

// ---- what a called contact must do (the active rule set's management schedule) -------------------

export const CONTACT_CLASSES = ['close', 'secondary', 'general'] as const;

/** The orders a call list can be sorted in; `priority` is the call team's order (open first, close first). */
export const CALL_SORTS = ['priority', 'name', 'exposure', 'address', 'attempts', 'lastCall'] as const;

/**
 * The rule set's managed group a contact of the class falls in: close contacts are managed as such;
 * secondary contacts as the rule set says (its `secondaryContacts.management`, else their own group);
 * general contacts are not managed (null).
 */
export function managedGroupOf(r: RuleSet, cls: string): ManagedGroup | null {
  if (cls === 'close') return 'close_contact';
  if (cls === 'secondary') return r.secondaryContacts.management ?? 'secondary_contact';
  return null;
}

export interface CallInstructions {
  ruleSetId: string;
  /** Null: the rule set manages no such contact (no schedule for their class). */
  group: ManagedGroup | null;
  /** The schedule from the last exposure, or null when the rule set manages no such group (or no exposure is known). */
  plan: {
    centralisedDays: number;
    homeDays: number;
    homeKind: 'home_quarantine' | 'home_health_monitoring';
    centralisedUntil: number;
    homeUntil: number;
    testDates: TestDate[];
  } | null;
}

/** What the contact must be told on the call: the active rule set's schedule counted from the last exposure. */
export function callInstructions(
  r: RuleSet,
  cls: string,
  lastExposureAt: number | null,
  timeZone: string,
): CallInstructions {
  const group = managedGroupOf(r, cls);
  const schedule = group ? r.management[group] : undefined;
  const plan = group && schedule && lastExposureAt !== null ? managementPlan(r, group, lastExposureAt, timeZone) : null;
  return {
    ruleSetId: r.id,
    group: schedule ? group : null,
    plan:
      plan && schedule
        ? {
            centralisedDays: schedule.centralisedDays,
            homeDays: schedule.homeDays,
            homeKind: plan.homeKind,
            centralisedUntil: plan.centralisedUntil,
            homeUntil: plan.homeUntil,
            testDates: plan.testDates,
          }
        : null,
  };
}
