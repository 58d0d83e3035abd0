// Projections of cases by the renewal equation, the demand that follows, and their scores, pure.
//
// Each trajectory draws one R from the latest window's posterior Gamma(shape, scale) and then, day by
// day, I_t ~ Poisson(R · Σ_{s≥1} I_{t−s} w_s) over the observed series (local and imported) followed by
// its own simulated days; imported cases are not projected. The bands are the quantiles over the
// trajectories per day. A seed makes the run reproducible.
//
// Scores (once the days have passed): the share of days whose observed count fell within the 50 % and
// the 95 % bands, and the weighted interval score of Bracher et al. 2021 (PLoS Comput Biol 17:e1008618)
// over the median and those two intervals: WIS = (½|y − m| + Σ_k (α_k/2) IS_{α_k}) / (K + ½), with
// IS_α = (u − l) + (2/α)(l − y)·[y < l] + (2/α)(y − u)·[y > u].
import { samplePoisson, sampleGamma, seededRandom } from './gamma.rules.ts';

export interface ProjectionDay {
  median: number;
  q025: number;
  q25: number;
  q75: number;
  q975: number;
}

/** The q-quantile of sorted values (type 7, R's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface ProjectInput {
  /** Observed daily totals (local + imported), oldest first, ending on the last observed day. */
  observed: readonly number[];
  w: readonly number[];
  shape: number;
  scale: number;
  horizon: number;
  trajectories: number;
  seed: number;
}

/** Sampled trajectories: trajectories × horizon counts. */
export function sampleTrajectories(i: ProjectInput): number[][] {
  const random = seededRandom(i.seed);
  const out: number[][] = [];
  const n = i.observed.length;
  for (let k = 0; k < i.trajectories; k++) {
    const r = sampleGamma(random, i.shape, i.scale);
    const series = [...i.observed];
    const traj: number[] = [];
    for (let h = 0; h < i.horizon; h++) {
      const t = n + h;
      let lambda = 0;
      const top = Math.min(t, i.w.length - 1);
      for (let s = 1; s <= top; s++) lambda += series[t - s] * i.w[s];
      const x = samplePoisson(random, r * lambda);
      series.push(x);
      traj.push(x);
    }
    out.push(traj);
  }
  return out;
}

/** Median and the 50 % and 95 % bands per day of the trajectories. */
export function bands(trajectories: readonly (readonly number[])[], horizon: number): ProjectionDay[] {
  const days: ProjectionDay[] = [];
  for (let h = 0; h < horizon; h++) {
    const v = trajectories.map((t) => t[h]).sort((a, b) => a - b);
    days.push({
      median: quantileSorted(v, 0.5),
      q025: quantileSorted(v, 0.025),
      q25: quantileSorted(v, 0.25),
      q75: quantileSorted(v, 0.75),
      q975: quantileSorted(v, 0.975),
    });
  }
  return days;
}

export function project(i: ProjectInput): ProjectionDay[] {
  return bands(sampleTrajectories(i), i.horizon);
}

// ---------------------------------------------------------------------------------------------------
// Demand.

export interface DemandRatios {
  /** Close contacts found per case over the look-back. */
  contactsPerCase: number;
  /** Room-days per contact placed in centralised quarantine (the rule set's centralised days). */
  centralisedDays: number;
  /** Share of cases that needed a hospital bed (confirmed, not asymptomatic). */
  bedShare: number;
  /** Days a hospital bed is held per case. */
  bedDays: number;
}

export interface DemandRow {
  cases: ProjectionDay;
  contacts: number;
  roomDays: number;
  beds: number;
}

/** The demand that follows from the median projection and the 95 % band's top, summed over the horizon. */
export function demand(days: readonly ProjectionDay[], r: DemandRatios): { median: DemandRow; high: DemandRow } {
  const sum = (f: (d: ProjectionDay) => number) => days.reduce((s, d) => s + f(d), 0);
  const row = (cases: number): Omit<DemandRow, 'cases'> => ({
    contacts: Math.round(cases * r.contactsPerCase),
    roomDays: Math.round(cases * r.contactsPerCase * r.centralisedDays),
    beds: Math.round(cases * r.bedShare * Math.min(r.bedDays, days.length)),
  });
  const total: ProjectionDay = {
    median: sum((d) => d.median),
    q025: sum((d) => d.q025),
    q25: sum((d) => d.q25),
    q75: sum((d) => d.q75),
    q975: sum((d) => d.q975),
  };
  return { median: { cases: total, ...row(total.median) }, high: { cases: total, ...row(total.q975) } };
}

// ---------------------------------------------------------------------------------------------------
// Scores.

/** The interval score of one central (1 − α) interval. */
export function intervalScore(alpha: number, lower: number, upper: number, y: number): number {
  let s = upper - lower;
  if (y < lower) s += (2 / alpha) * (lower - y);
  if (y > upper) s += (2 / alpha) * (y - upper);
  return s;
}

/** The weighted interval score of one day over the median and the 50 % and 95 % intervals. */
export function weightedIntervalScore(d: ProjectionDay, y: number): number {
  const parts =
    0.5 * Math.abs(y - d.median) +
    (0.5 / 2) * intervalScore(0.5, d.q25, d.q75, y) +
    (0.05 / 2) * intervalScore(0.05, d.q025, d.q975, y);
  return parts / (2 + 0.5);
}

export interface ProjectionScore {
  days: number;
  coverage50: number;
  coverage95: number;
  /** Mean weighted interval score over the days. */
  wis: number;
}

export function scoreProjection(days: readonly ProjectionDay[], observed: readonly number[]): ProjectionScore {
  const n = Math.min(days.length, observed.length);
  let in50 = 0;
  let in95 = 0;
  let wis = 0;
  for (let i = 0; i < n; i++) {
    const d = days[i];
    const y = observed[i];
    if (y >= d.q25 && y <= d.q75) in50++;
    if (y >= d.q025 && y <= d.q975) in95++;
    wis += weightedIntervalScore(d, y);
  }
  return { days: n, coverage50: n ? in50 / n : 0, coverage95: n ? in95 / n : 0, wis: n ? wis / n : 0 };
}
