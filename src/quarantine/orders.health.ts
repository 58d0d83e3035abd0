// The port to the health codes (src/health/health.facts.ts, the health-facts contract): an order never
// sets a colour. It adds the centralised- or home-quarantine fact of its schedule, moves the fact's end
// with the order's end, and ends it at release, cancellation or conversion, inside its own transaction.
// The port is `Services.ports.quarantineHealth` (wired in src/services.ts); where a deployment runs
// without the health module (null) the order's own records still commit.
import type { Tx } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import * as health from '../health/health.facts.ts';
import type { ColourBasis, FactsOutcome, NewFact } from '../health/health.facts.ts';

export type { ColourBasis, FactsOutcome };
/** A colour change's basis as data (pure, no dependency on the health module's services). */
export { basisOf } from '../health/basis.rules.ts';
export type OrderFact = NewFact & { source: { type: 'quarantine'; id: string } };

export interface HealthFacts {
  addFacts(s: Services, trx: Tx, facts: OrderFact[], basis: ColourBasis): Promise<FactsOutcome>;
  endFacts(
    s: Services,
    trx: Tx,
    where: { sourceType: 'quarantine'; sourceId: string; personIds?: string[]; kind?: FactKind },
    at: number,
    basis: ColourBasis,
  ): Promise<FactsOutcome>;
}

/** The health module's functions as quarantine orders use them (the default of `Services.ports.quarantineHealth`). */
export const installedHealthFacts: HealthFacts = {
  addFacts: (s, trx, facts, basis) => health.addFacts(s, trx, facts, basis),
  endFacts: (s, trx, where, at, basis) => health.endFacts(s, trx, where, at, basis),
};
