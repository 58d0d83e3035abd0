// The port to the health codes (src/health/health.facts.ts): risk areas never set a colour, they add
// and end arrival facts through the health-facts contract inside their own transaction. Behind a
// small interface, `Services.ports.riskAreaHealth` (wired in src/services.ts), so that tests can stand in
// for it (a deployment without the module, a breaker).
import type { Tx } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import * as health from '../health/health.facts.ts';
import type { ColourBasis, FactsOutcome, NewFact } from '../health/health.facts.ts';

export type { ColourBasis, FactsOutcome };
/** A colour change's basis as data (pure, no dependency on the health module's services). */
export { basisOf } from '../health/basis.rules.ts';
export type ArrivalFact = NewFact & { source: { type: 'risk_area'; id: string } };

export interface HealthFacts {
  addFacts(s: Services, trx: Tx, facts: ArrivalFact[], basis: ColourBasis): Promise<FactsOutcome>;
  endFacts(
    s: Services,
    trx: Tx,
    where: { sourceType: 'risk_area'; sourceId: string; personIds?: string[]; kind?: FactKind },
    at: number,
    basis: ColourBasis,
  ): Promise<FactsOutcome>;
}

/** The health module's functions as risk areas use them (the default of `Services.ports.riskAreaHealth`). */
export const installedHealthFacts: HealthFacts = {
  addFacts: (s, trx, facts, basis) => health.addFacts(s, trx, facts, basis),
  endFacts: (s, trx, where, at, basis) => health.endFacts(s, trx, where, at, basis),
};

export const onApprovalDecided = health.onApprovalDecided;
export const approvalStatus = health.approvalStatus;
