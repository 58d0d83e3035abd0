// The port to the health codes (src/health/health.facts.ts, the health-facts contract): a testing round
// never sets a colour. It records test results and adds or ends the in-place-control fact of a
// suspected-positive pool inside its own transaction. The port is `Services.ports.testingHealth`
// (wired in src/services.ts); where a deployment runs without it (null) the round's own records still commit.
import type { Executor, Tx } from '../db/database.ts';
import type { Services } from '../services.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';
import * as health from '../health/health.facts.ts';
import type {
  ColourBasis,
  ColourChange,
  FactsOutcome,
  NewFact,
  TestResultFact,
  TestResultSource,
} from '../health/health.facts.ts';
import { chunks } from '../db/sql.ts';
import { isPooledTube } from './testing.rules.ts';
import * as store from './testing.store.ts';

export type { ColourBasis, ColourChange, FactsOutcome, TestResultFact, TestResultSource };
/** A colour change's basis as data (pure, no dependency on the health module's services). */
export { basisOf } from '../health/basis.rules.ts';
export type PoolFact = NewFact & { source: { type: 'pool'; id: string } };

export interface HealthFacts {
  addFacts(s: Services, trx: Tx, facts: PoolFact[], basis: ColourBasis): Promise<FactsOutcome>;
  endFacts(
    s: Services,
    trx: Tx,
    where: { sourceType: 'pool'; sourceId: string; personIds?: string[]; kind?: FactKind },
    at: number,
    basis: ColourBasis,
  ): Promise<FactsOutcome>;
  recordTestResults(s: Services, trx: Tx, results: TestResultFact[], basis: ColourBasis): Promise<ColourChange[]>;
  /**
   * The same for results given as a query (set-based; the lab upload's negatives). Optional: a health
   * module without it gets the members read here and handed over as a list (recordTestResults).
   */
  recordTestResultsFrom?(
    s: Services,
    trx: Tx,
    source: TestResultSource,
    reportedAt: number,
    basis: ColourBasis,
  ): Promise<{ recorded: number; changes: ColourChange[] }>;
  /** The kinds of the facts holding for these people at `at`: who is under control when sampled. */
  liveFactKinds?(ex: Executor, personIds: string[], at: number): Promise<Map<string, FactKind[]>>;
}

/** The health module's functions as testing uses them (the default of `Services.ports.testingHealth`). */
export const installedHealthFacts: HealthFacts = {
  addFacts: (s, trx, facts, basis) => health.addFacts(s, trx, facts, basis),
  endFacts: (s, trx, where, at, basis) => health.endFacts(s, trx, where, at, basis),
  recordTestResults: (s, trx, results, basis) => health.recordTestResults(s, trx, results, basis),
  recordTestResultsFrom: (s, trx, source, reportedAt, basis) =>
    health.recordTestResultsFrom(s, trx, source, reportedAt, basis),
  liveFactKinds: (ex, personIds, at) => health.liveFactKinds(ex, personIds, at),
};

/** The facts holding for a person when sampled (none where the deployment runs without the health module). */
export async function factKindsAt(s: Services, ex: Executor, personId: string, at: number): Promise<FactKind[]> {
  const health = s.ports.testingHealth;
  if (!health?.liveFactKinds) return [];
  return (await health.liveFactKinds(ex, [personId], at)).get(personId) ?? [];
}

/** Results are handed over in slices so one statement never carries too many parameters. */
export const RESULT_SLICE = 5000;

export async function recordResults(
  s: Services,
  trx: Tx,
  results: TestResultFact[],
  basis: ColourBasis,
): Promise<number> {
  const health = s.ports.testingHealth;
  if (!health || results.length === 0) return 0;
  let changes = 0;
  for (let i = 0; i < results.length; i += RESULT_SLICE) {
    changes += (await health.recordTestResults(s, trx, results.slice(i, i + RESULT_SLICE), basis)).length;
  }
  return changes;
}

export interface TubeOutcome {
  tube: { id: string; mode: string; member_count: number | string };
  result: 'negative' | 'positive';
  ctN: number | null;
  ctOrf1ab: number | null;
}

/**
 * Records the results of whole tubes for their members (each member tested at their sampling time),
 * set-based: the health module reads the members where they lie (recordTestResultsFrom), one statement
 * per step whatever the number of people; without that entry point, the per-person list as before.
 * Both write the same rows. Returns the number of member results recorded.
 */
export async function recordTubeResults(
  s: Services,
  trx: Tx,
  tubes: readonly TubeOutcome[],
  reportedAt: number,
  basis: ColourBasis,
): Promise<number> {
  if (!tubes.length) return 0;
  const health = s.ports.testingHealth;
  if (!health) return tubes.reduce((n, t) => n + Number(t.tube.member_count), 0);
  const resulted = tubes.map((t) => ({
    tubeId: t.tube.id,
    result: t.result,
    pooled: isPooledTube(t.tube.mode, Number(t.tube.member_count)),
    ctN: t.ctN,
    ctOrf1ab: t.ctOrf1ab,
  }));
  if (health.recordTestResultsFrom) {
    let recorded = 0;
    for (const part of chunks(resulted, store.RESULT_JSON_SLICE)) {
      recorded += (
        await health.recordTestResultsFrom(s, trx, store.resultMembersSource(s.dialect, part), reportedAt, basis)
      ).recorded;
    }
    return recorded;
  }
  const byTube = new Map(resulted.map((t) => [t.tubeId, t]));
  const facts: TestResultFact[] = (await store.membersOfTubes(trx, [...byTube.keys()])).map((m) => {
    const t = byTube.get(m.tube_id)!;
    return {
      personId: m.person_id,
      sampledAt: Number(m.sampled_at),
      reportedAt,
      result: t.result as 'negative' | 'positive',
      pooled: t.pooled,
      source: { type: 'tube' as const, id: m.tube_id },
      ct: { N: t.ctN, ORF1ab: t.ctOrf1ab },
    };
  });
  await recordResults(s, trx, facts, basis);
  return facts.length;
}
