// The deployment's active rule set: chosen by an audited action (reason required), otherwise the
// edition in force on today's date in the deployment's time zone.
import type { Executor } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { AuditActor } from '../platform/audit.ts';
import { AppError } from '../platform/errors.ts';
import { dateInZone } from '../platform/calendar.ts';
import { ruleSetById, ruleSetFor, ruleSets } from './ruleset.load.ts';
import type { RuleSet, RuleSetSummary } from './ruleset.schema.ts';
import * as store from './ruleset.store.ts';

export interface ActiveChoice {
  ruleSet: RuleSet;
  /** True when an administrator chose it; false when it is simply the edition in force today. */
  chosen: boolean;
}

export async function activeChoice(s: Services, ex: Executor = s.db): Promise<ActiveChoice> {
  const id = await store.readActiveRuleSetId(ex);
  if (id !== null) return { ruleSet: ruleSetById(id), chosen: true };
  return { ruleSet: ruleSetFor(dateInZone(s.clock.now(), s.config.timeZone)), chosen: false };
}

/** The rule set every decision of this deployment is made under. */
export async function getActiveRuleSet(s: Services): Promise<RuleSet> {
  return (await activeChoice(s)).ruleSet;
}

export async function listRuleSets(s: Services): Promise<{ items: RuleSetSummary[]; chosen: boolean }> {
  const active = await activeChoice(s);
  return {
    items: ruleSets().map((r) => ({
      id: r.id,
      version: r.version,
      name: r.name,
      effectiveFrom: r.effectiveFrom,
      active: r.id === active.ruleSet.id,
    })),
    chosen: active.chosen,
  };
}

export interface Activation {
  id: string;
  version: string;
  /** The rule set active before (chosen or in force by date). */
  previous: string | null;
}

/** Makes the rule set active for the deployment, with the reason in the audit chain. */
export async function setActiveRuleSet(
  s: Services,
  actor: AuditActor,
  id: string,
  reason: string | undefined,
): Promise<Activation> {
  const why = (reason ?? '').trim();
  if (!why) throw new AppError('RULESET_REASON_REQUIRED');
  const next = ruleSetById(id);
  return s.db.transaction().execute(async (trx) => {
    let previous: ActiveChoice | null = null;
    try {
      previous = await activeChoice(s, trx);
    } catch (err) {
      // A stored choice whose file is gone, or no edition in force yet: activation repairs that.
      if (!(err instanceof AppError)) throw err;
    }
    await store.writeActiveRuleSetId(trx, next.id, s.clock.now());
    await s.audit(trx, actor, {
      action: 'ruleset.activate',
      objectType: 'ruleset',
      objectId: next.id,
      reason: why,
      detail: {
        previous: previous?.ruleSet.id ?? null,
        previousVersion: previous?.ruleSet.version ?? null,
        previousChosen: previous?.chosen ?? false,
        id: next.id,
        version: next.version,
      },
    });
    return { id: next.id, version: next.version, previous: previous?.ruleSet.id ?? null };
  });
}
