// Facts from case investigation (流调): the case's person gets a suspected / confirmed / asymptomatic
// fact while the case is open (ended at release), and each contact the investigator has not dismissed
// gets a close-contact or secondary-contact fact lasting until the end of the quarantine the active rule
// set's management plan gives from the last exposure. Co-presence candidates count only once an
// investigator confirms them; general contacts get no colour. Called by the tracing service in its
// own transaction after every change of a case or its contacts; reconciles, so calling it again is a
// no-op.
import type { ContactTable, Tx } from '../db/database.ts';
import { caseRecordById, contactsOfCase } from '../tracing/tracing.store.ts';
import type { Services } from '../services.ts';
import type { FactKind, ManagedGroup, RuleSet } from '../rules/ruleset.schema.ts';
import { managementPlan } from '../rules/ruleset.rules.ts';
import { activeChoice } from '../rules/ruleset.service.ts';
import { addFacts, endFactsById, type ColourBasis, type ColourChange, type NewFact } from './health.facts.ts';
import * as store from './health.store.ts';

const CASE_FACTS: readonly FactKind[] = ['suspected', 'confirmed', 'asymptomatic'];

function caseFactKind(classification: string, status: string): FactKind | null {
  if (status === 'released') return null;
  if (status === 'suspected') return 'suspected';
  return classification === 'asymptomatic' ? 'asymptomatic' : 'confirmed';
}

/** The contact's fact under the rule set, with its quarantine order as the end; null: no colour. */
export function contactFact(
  r: RuleSet,
  c: Pick<
    ContactTable,
    | 'id'
    | 'case_id'
    | 'person_id'
    | 'class'
    | 'candidate'
    | 'review_status'
    | 'last_exposure_at'
    | 'first_exposure_at'
    | 'created_at'
    | 'basis'
    | 'rule'
  >,
  timeZone: string,
): NewFact | null {
  if (c.review_status === 'dismissed') return null;
  if (c.candidate === 1 && c.review_status === 'pending') return null;
  let kind: FactKind;
  let group: ManagedGroup | null;
  if (c.class === 'close') {
    kind = 'close_contact';
    group = 'close_contact';
  } else if (c.class === 'secondary') {
    kind = 'secondary_contact';
    group = r.secondaryContacts.management ?? 'secondary_contact';
  } else return null;
  const exposure = Number(c.last_exposure_at ?? c.first_exposure_at ?? c.created_at);
  const plan = group ? managementPlan(r, group, exposure, timeZone) : null;
  const until = plan ? (plan.homeKind === 'home_quarantine' ? plan.homeUntil : plan.centralisedUntil) : null;
  return {
    personId: c.person_id,
    kind,
    since: exposure,
    until,
    source: { type: 'contact', id: c.id },
    group: c.case_id,
    detail: {
      caseId: c.case_id,
      contactId: c.id,
      basis: c.basis,
      rule: c.rule,
      lastExposureAt: exposure,
      ...(plan
        ? {
            plan: {
              group: plan.group,
              centralisedUntil: plan.centralisedUntil,
              homeUntil: plan.homeUntil,
              homeKind: plan.homeKind,
              testDates: plan.testDates,
            },
          }
        : {}),
    },
  };
}

/** Brings the facts of a case and its contacts in line with the records, in the caller's transaction. */
export async function syncCaseFacts(s: Services, trx: Tx, caseId: string, basis: ColourBasis): Promise<ColourChange[]> {
  const c = await caseRecordById(trx, caseId);
  if (!c) return [];
  const { ruleSet } = await activeChoice(s, trx);
  const now = s.clock.now();
  const desired: NewFact[] = [];
  const kind = caseFactKind(c.classification, c.status);
  if (kind) {
    desired.push({
      personId: c.person_id,
      kind,
      since: Math.min(now, Number(c.created_at)),
      source: { type: 'case', id: c.id },
      group: c.id,
      detail: { caseId: c.id, status: c.status, classification: c.classification },
    });
  }
  const contacts = await contactsOfCase(trx, caseId);
  for (const row of contacts) {
    const f = contactFact(ruleSet, row, s.config.timeZone);
    if (f) desired.push(f);
  }
  const want = new Set(desired.map((f) => `${f.personId}|${f.kind}|${f.source.type}|${f.source.id}`));
  const open = await store.openFactsOfGroup(trx, caseId);
  const stale = open.filter(
    (f) =>
      !want.has(`${f.person_id}|${f.kind}|${f.source_type}|${f.source_id}`) &&
      (f.source_type === 'contact' || CASE_FACTS.includes(f.kind as FactKind)),
  );
  const changes: ColourChange[] = [];
  changes.push(...(await endFactsById(s, trx, stale, now, basis)));
  // Only facts that are new or changed are written again.
  const byKey = new Map(open.map((f) => [`${f.person_id}|${f.kind}|${f.source_type}|${f.source_id}`, f]));
  const fresh = desired.filter((f) => {
    const have = byKey.get(`${f.personId}|${f.kind}|${f.source.type}|${f.source.id}`);
    return (
      !have ||
      Number(have.since) !== f.since ||
      (have.until === null ? null : Number(have.until)) !== (f.until ?? null) ||
      have.detail !== JSON.stringify(f.detail ?? {})
    );
  });
  const out = await addFacts(s, trx, fresh, basis);
  if (out.applied) changes.push(...out.changes);
  return changes;
}
