// Decision support (研判): Rt by day from the cases of an area (the city or a district) by the method of
// Cori et al. 2013, projections of cases for the next days by the renewal equation with the demand that
// follows from the city's own ratios, stored with their inputs, and their scores once their days have
// passed. Reading needs command.view within the actor's area; a projection is audited.
import type { Actor } from '../access/access.rules.ts';
import { assertCan, auditActor } from '../access/auth.ts';
import { listingScope } from '../access/access.scope.ts';
import type { DecisionProjectionTable } from '../db/database.ts';
import { areaById, areasUnder, type AreaRef } from '../db/sql.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import type { Services } from '../services.ts';
import { getActiveRuleSet } from '../rules/ruleset.service.ts';
import { caseFiguresUnder } from '../tracing/tracing.store.ts';
import { decisionPolicy, periodFor, type DecisionPeriod } from './decision.policy.ts';
import type { ProjectionBody, ProjectionListQuery, ProjectionView, RtQuery, RtView } from './decision.schema.ts';
import * as store from './decision.store.ts';
import type { CaseForSeries } from './decision.store.ts';
import { demand, project, scoreProjection, type ProjectionDay } from './projection.rules.ts';
import {
  DAY_MS,
  dailySeries,
  estimateRt,
  RtInputError,
  serialInterval,
  serialIntervalFromPairs,
  siMoments,
  type CaseForRt,
  type SerialIntervalSpec,
} from './rt.rules.ts';

/** Days of serial interval kept for a parametric one (the tail beyond is below 1e-6 for any sane mean). */
const SI_DAYS = 30;

/** Day number (days since 1970-01-01) of a calendar date. */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}
export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function inputError(e: unknown): never {
  if (e instanceof RtInputError)
    throw new AppError(e.code, {}, { faults: [{ field: e.field, code: e.code, params: { field: e.field } }] });
  throw e;
}

/** Imported: an arrival found at a checkpoint, or a case already isolated when its first positive sample was taken. */
export function isImported(c: CaseForSeries): boolean {
  if (c.source === 'checkpoint') return true;
  const foundAt = c.first_positive_sampled_at ?? c.created_at;
  return c.isolated_at !== null && c.isolated_at <= foundAt;
}

function forRt(c: CaseForSeries): CaseForRt {
  return {
    onsetAt: c.onset_at,
    sampledAt: c.first_positive_sampled_at,
    reportedAt: c.created_at,
    imported: isImported(c),
  };
}

interface Basis {
  area: AreaRef;
  period: DecisionPeriod;
  ruleVersion: string;
  firstDay: number;
  lastDay: number;
  cases: CaseForSeries[];
  local: number[];
  imported: number[];
  withoutOnset: number;
  si: RtView['serialInterval'];
  window: number;
}

async function areaOf(s: Services, actor: Actor, areaId: string | undefined): Promise<AreaRef> {
  assertCan(actor, 'command.view');
  const path = await listingScope(s.db, actor, areaId);
  const area = await areaById(s.db, areaId ?? actor.areaId);
  if (!area || area.path !== path) throw new AppError('AREA_NOT_FOUND');
  return area;
}

interface Overrides {
  window?: number;
  siMean?: number;
  siSd?: number;
  siDistribution?: string;
}

/** The case series of an area up to `lastDay` and the serial interval: the request's, the pairs', or the rule file's. */
async function basis(s: Services, area: AreaRef, lastDay: number, o: Overrides, asOf?: number): Promise<Basis> {
  const tz = s.config.timeZone;
  const policy = decisionPolicy();
  const period = periodFor(policy, dateOfDay(lastDay));
  const window = o.window ?? period.window;
  if (!(Number.isInteger(window) && window >= 1 && window <= 28))
    throw new AppError('DECISION_WINDOW', {}, { faults: [{ field: 'window', code: 'DECISION_WINDOW' }] });
  const firstDay = lastDay - period.seriesDays + 1;
  const dayOf = (ms: number) => dayNumber(dateInZone(ms, tz));
  // Cases are registered after their onset: read from a month before the series begins.
  const since = (firstDay - 30) * DAY_MS;
  const [all, pairs] = await Promise.all([
    store.casesForSeries(s.db, area.path, since),
    store.infectorPairs(s.db, area.path, since),
  ]);
  // As the data stood at `asOf` (a projection remade for a past day): cases registered before then.
  const cases = asOf === undefined ? all : all.filter((c) => c.created_at < asOf);
  const series = dailySeries(cases.map(forRt), firstDay, lastDay, dayOf);
  const fromPairs = serialIntervalFromPairs(pairs, dayOf);
  const minPairs = period.siFromPairs.minPairs;
  let spec: SerialIntervalSpec;
  let source: RtView['serialInterval']['source'];
  if (o.siDistribution !== undefined) {
    const distribution = o.siDistribution.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    spec = { kind: 'discrete', distribution };
    source = 'request';
  } else if (o.siMean !== undefined || o.siSd !== undefined) {
    spec = { kind: 'parametric', mean: o.siMean ?? period.serialInterval.mean, sd: o.siSd ?? period.serialInterval.sd };
    source = 'request';
  } else if (
    fromPairs.used >= minPairs &&
    fromPairs.mean !== null &&
    fromPairs.sd !== null &&
    fromPairs.mean > 1 &&
    fromPairs.sd > 0
  ) {
    spec = { kind: 'parametric', mean: fromPairs.mean, sd: fromPairs.sd };
    source = 'pairs';
  } else {
    spec = { kind: 'parametric', ...period.serialInterval };
    source = 'rule';
  }
  let w: number[];
  try {
    w = serialInterval(spec, SI_DAYS);
  } catch (e) {
    inputError(e);
  }
  const m = spec.kind === 'parametric' ? { mean: spec.mean, sd: spec.sd } : siMoments(w);
  return {
    area,
    period,
    ruleVersion: policy.version,
    firstDay,
    lastDay,
    cases,
    local: series.local,
    imported: series.imported,
    withoutOnset: series.withoutOnset,
    window,
    si: {
      source,
      kind: spec.kind,
      mean: m.mean,
      sd: m.sd,
      distribution: w,
      pairs: { ...fromPairs, minPairs },
    },
  };
}

function yesterday(s: Services): number {
  return dayNumber(dateInZone(s.clock.now(), s.config.timeZone)) - 1;
}

function estimates(b: Basis) {
  try {
    return estimateRt(b.local, b.imported, b.si.distribution, {
      window: b.window,
      prior: b.period.prior,
      minCases: b.period.minCases,
    });
  } catch (e) {
    inputError(e);
  }
}

async function choices(s: Services, actor: Actor): Promise<RtView['areas']> {
  const own = await areaById(s.db, actor.areaId);
  const districts = await areasUnder(s.db, actor.areaPath, ['district']);
  const out = own ? [own] : [];
  for (const d of districts) if (d.id !== own?.id) out.push(d);
  return out.map((a) => ({ id: a.id, name: a.name, level: a.level }));
}

export async function rtOverview(s: Services, actor: Actor, q: RtQuery): Promise<RtView> {
  const area = await areaOf(s, actor, q.areaId);
  const b = await basis(s, area, yesterday(s), q);
  const windows = estimates(b);
  const byEnd = new Map(windows.map((w) => [w.end, w]));
  const days: RtView['days'] = b.local.map((local, i) => {
    const w = byEnd.get(i);
    return {
      date: dateOfDay(b.firstDay + i),
      local,
      imported: b.imported[i],
      windowCases: w?.cases ?? 0,
      infectiousness: w?.infectiousness ?? 0,
      rt: w?.estimate ?? null,
      reason: !w ? 'before_window' : w.estimate ? null : w.reason,
    };
  });
  const last = days[days.length - 1];
  return {
    area: { id: area.id, name: area.name, level: area.level },
    areas: await choices(s, actor),
    ruleVersion: b.ruleVersion,
    window: b.window,
    prior: { ...b.period.prior },
    minCases: b.period.minCases,
    serialInterval: b.si,
    withoutOnset: b.withoutOnset,
    days,
    latest: last?.rt ? { date: last.date, rt: last.rt } : null,
  };
}

// ---- projections --------------------------------------------------------------------------------

interface StoredInputs {
  seed: number;
  trajectories: number;
  window: number;
  lastObserved: string;
  local: number[];
  imported: number[];
  si: { source: string; mean: number; sd: number; distribution: number[] };
  posterior: { shape: number; scale: number; mean: number; q025: number; q975: number };
  ruleVersion: string;
}
type StoredDemand = ProjectionView['demand'];
interface StoredScore {
  days: number;
  coverage50: number;
  coverage95: number;
  wis: number;
  observed: number[];
}

function view(r: DecisionProjectionTable, areaName: string): ProjectionView {
  const inputs = JSON.parse(r.inputs) as StoredInputs;
  const bands = JSON.parse(r.bands) as ProjectionDay[];
  const score = r.score ? (JSON.parse(r.score) as StoredScore) : null;
  return {
    id: r.id,
    area: { id: r.area_id, name: areaName },
    createdAt: r.created_at,
    firstDay: r.first_day,
    horizon: r.horizon,
    seed: inputs.seed,
    trajectories: inputs.trajectories,
    rt: {
      date: inputs.lastObserved,
      mean: inputs.posterior.mean,
      q025: inputs.posterior.q025,
      q975: inputs.posterior.q975,
    },
    serialInterval: { source: inputs.si.source, mean: inputs.si.mean, sd: inputs.si.sd },
    days: bands.map((d, i) => ({
      date: addDays(r.first_day, i),
      median: d.median,
      q025: d.q025,
      q25: d.q25,
      q75: d.q75,
      q975: d.q975,
      observed: score ? (score.observed[i] ?? null) : null,
    })),
    demand: JSON.parse(r.demand) as StoredDemand,
    score:
      score && r.scored_at !== null
        ? {
            scoredAt: r.scored_at,
            days: score.days,
            coverage50: score.coverage50,
            coverage95: score.coverage95,
            wis: score.wis,
          }
        : null,
  };
}

/**
 * Projects the cases of an area from the day after `lastDay` by the renewal equation, with the demand,
 * as the row to store. `lastDay` is yesterday for a request; the demo makes past ones to be scored.
 */
export async function buildProjection(
  s: Services,
  area: AreaRef,
  lastDay: number,
  o: Overrides & { seed?: number },
  createdBy: string | null,
  at: number,
  asOf?: number,
): Promise<DecisionProjectionTable> {
  const b = await basis(s, area, lastDay, o, asOf);
  const windows = estimates(b);
  const latest = windows[windows.length - 1];
  if (!latest?.estimate)
    throw new AppError('DECISION_TOO_FEW_CASES', { cases: latest?.cases ?? 0, min: b.period.minCases });
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const { horizon, trajectories } = b.period.projection;
  const observed = b.local.map((x, i) => x + b.imported[i]);
  const days = project({
    observed,
    w: b.si.distribution,
    shape: latest.estimate.shape,
    scale: latest.estimate.scale,
    horizon,
    trajectories,
    seed,
  });
  // Ratios over the look-back: close contacts per case (tracing's figures), beds by classification,
  // rooms by the active rule set's centralised days for close contacts.
  const look = b.period.demand;
  const tz = s.config.timeZone;
  const since = startOfDate(dateOfDay(lastDay + 1 - look.lookBackDays), tz);
  const until = startOfDate(dateOfDay(lastDay + 1), tz);
  const figures = await caseFiguresUnder(s.db, area.path, since);
  const recent = b.cases.filter((c) => c.created_at >= since && c.created_at < until);
  const bedCases = recent.filter((c) => (look.bedClassifications as string[]).includes(c.classification)).length;
  const ruleSet = await getActiveRuleSet(s);
  const centralisedDays = ruleSet.management.close_contact?.centralisedDays ?? 0;
  const ratios = {
    contactsPerCase: figures.recentCases ? figures.recentContacts / figures.recentCases : 0,
    centralisedDays,
    bedShare: recent.length ? bedCases / recent.length : 0,
    bedDays: look.bedDays,
  };
  const d = demand(days, ratios);
  const stored: StoredDemand = {
    lookBackDays: look.lookBackDays,
    casesInLookBack: figures.recentCases,
    ...ratios,
    median: { ...d.median, cases: d.median.cases.median },
    high: { ...d.high, cases: d.high.cases.q975 },
  };
  const inputs: StoredInputs = {
    seed,
    trajectories,
    window: b.window,
    lastObserved: dateOfDay(lastDay),
    local: b.local,
    imported: b.imported,
    si: { source: b.si.source, mean: b.si.mean, sd: b.si.sd, distribution: b.si.distribution },
    posterior: {
      shape: latest.estimate.shape,
      scale: latest.estimate.scale,
      mean: latest.estimate.mean,
      q025: latest.estimate.q025,
      q975: latest.estimate.q975,
    },
    ruleVersion: b.ruleVersion,
  };
  return {
    id: newId(),
    area_id: area.id,
    area_path: area.path,
    first_day: dateOfDay(lastDay + 1),
    horizon,
    inputs: JSON.stringify(inputs),
    bands: JSON.stringify(days),
    demand: JSON.stringify(stored),
    scored_at: null,
    score: null,
    created_by: createdBy,
    created_at: at,
  };
}

/** Projects from yesterday on, stores the projection with its inputs and audits it, in one transaction. */
export async function createProjection(s: Services, actor: Actor, body: ProjectionBody): Promise<ProjectionView> {
  const area = await areaOf(s, actor, body.areaId);
  const row = await buildProjection(s, area, yesterday(s), body, actor.userId, s.clock.now());
  await s.db.transaction().execute(async (trx) => {
    await store.insertProjection(trx, row);
    await s.audit(trx, auditActor(actor), {
      action: 'decision.projection.create',
      objectType: 'decision_projection',
      objectId: row.id,
      detail: { areaId: area.id, firstDay: row.first_day, seed: (JSON.parse(row.inputs) as StoredInputs).seed },
    });
  });
  return view(row, area.name);
}

async function names(s: Services, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of new Set(ids)) {
    const a = await areaById(s.db, id);
    if (a) out.set(id, a.name);
  }
  return out;
}

export async function listProjections(
  s: Services,
  actor: Actor,
  q: ProjectionListQuery,
): Promise<{ items: ProjectionView[] }> {
  assertCan(actor, 'command.view');
  const path = await listingScope(s.db, actor, q.areaId);
  const rows = await store.recentProjections(s.db, path, q.limit ?? 20, q.areaId);
  const byId = await names(
    s,
    rows.map((r) => r.area_id),
  );
  return { items: rows.map((r) => view(r, byId.get(r.area_id) ?? '')) };
}

export async function getProjection(s: Services, actor: Actor, id: string): Promise<ProjectionView> {
  assertCan(actor, 'command.view');
  const row = await store.projectionById(s.db, id);
  if (!row) throw new AppError('DECISION_PROJECTION_NOT_FOUND');
  await listingScope(s.db, actor, row.area_id);
  const byId = await names(s, [row.area_id]);
  return view(row, byId.get(row.area_id) ?? '');
}

// ---- scoring ------------------------------------------------------------------------------------

/**
 * Scores every stored projection whose last day ended `settleDays` ago or more against the local cases
 * by onset of those days as they stand now; returns how many were scored.
 */
export async function scoreDueProjections(s: Services, batch = 50): Promise<number> {
  const policy = decisionPolicy();
  const today = dayNumber(dateInZone(s.clock.now(), s.config.timeZone));
  const dayOf = (ms: number) => dayNumber(dateInZone(ms, s.config.timeZone));
  let scored = 0;
  for (;;) {
    const rows = await store.unscoredFirstDayUpTo(s.db, dateOfDay(today - policy.scoring.settleDays), batch);
    const due = rows.filter((r) => dayNumber(r.first_day) + r.horizon - 1 + policy.scoring.settleDays < today);
    for (const r of due) {
      const first = dayNumber(r.first_day);
      const last = first + r.horizon - 1;
      const cases = await store.casesForSeries(s.db, r.area_path, (first - 30) * DAY_MS);
      const observed = dailySeries(cases.map(forRt), first, last, dayOf).local;
      const bands = JSON.parse(r.bands) as ProjectionDay[];
      const sc = scoreProjection(bands, observed);
      await store.setScore(s.db, r.id, JSON.stringify({ ...sc, observed }), s.clock.now());
      scored++;
    }
    if (rows.length < batch || due.length === 0) break;
  }
  return scored;
}
