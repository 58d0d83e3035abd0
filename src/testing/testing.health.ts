// The port to the health codes (src/health/health.facts.ts, the health-facts contract): a testing round
// never sets a colour. It records test results and adds or ends the in-place-control fact of a
// suspected-positive pool inside its own transaction. The module is loaded on first use; where a
// build has none the port says so (null) and the round's own records still commit.
import type { Tx } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import type { ColourBasis, ColourChange, FactsOutcome, NewFact, TestResultFact } from '../health/health.facts.ts';

export type { ColourBasis, ColourChange, FactsOutcome, TestResultFact };
export type PoolFact = NewFact & { source: { type: 'pool'; id: string } };

export interface HealthFacts {
  addFacts(s: Services, trx: Tx, facts: PoolFact[], basis: ColourBasis): Promise<FactsOutcome>;
  endFacts(s: Services, trx: Tx, where: { sourceType: 'pool'; sourceId: string; personIds?: string[]; kind?: FactKind },
    at: number, basis: ColourBasis): Promise<FactsOutcome>;
  recordTestResults(s: Services, trx: Tx, results: TestResultFact[], basis: ColourBasis): Promise<ColourChange[]>;
}

const HEALTH_FACTS = '../health/health.facts.ts';
let loaded: Promise<HealthFacts | null> | null = null;

/** The health-facts module, or null when this build has none. */
export function healthFacts(): Promise<HealthFacts | null> {
  loaded ??= (async () => {
    try {
      const mod = (await import(HEALTH_FACTS)) as Partial<HealthFacts>;
      return typeof mod.addFacts === 'function' && typeof mod.endFacts === 'function' && typeof mod.recordTestResults === 'function'
        ? (mod as HealthFacts) : null;
    } catch (err) {
      const code = (err as { code?: string })?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null;
      throw err;
    }
  })();
  return loaded;
}

/** Tests replace the port (or remove it) to exercise both outcomes. */
export function setHealthFactsForTests(port: HealthFacts | null | undefined): void {
  loaded = port === undefined ? null : Promise.resolve(port);
}

/** Results are handed over in slices so one statement never carries too many parameters. */
export const RESULT_SLICE = 5000;

export async function recordResults(s: Services, trx: Tx, results: TestResultFact[], basis: ColourBasis): Promise<number> {
  const health = await healthFacts();
  if (!health || results.length === 0) return 0;
  let changes = 0;
  for (let i = 0; i < results.length; i += RESULT_SLICE) {
    changes += (await health.recordTestResults(s, trx, results.slice(i, i + RESULT_SLICE), basis)).length;
  }
  return changes;
}
