// The instantaneous reproduction number Rt by the method of Cori et al. 2013 (Am J Epidemiol 178:1505),
// as the R package EpiEstim implements it (estimate_R), pure.
//
// - Incidence is counted per day by onset; a case with no onset counts on the day its first positive
//   sample was taken, else on the day it was reported (`caseDay`), and the series says how many did.
// - Local and imported cases: imported cases (arrivals, cases already in quarantine when found) add to
//   the infectiousness Λ but not to the incidence R is estimated from (EpiEstim's local/imported split).
// - Serial interval w_s: parametric (mean, sd → EpiEstim's discr_si: a gamma shifted by one day,
//   discretised; the mean must be above 1 day) or discrete (w_0 = 0, non-negative, sums to 1).
// - Λ_t = Σ_{s≥1} (I_local + I_imported)_{t−s} w_s.
// - For a window (t−τ+1 … t), with a Gamma(shape a, scale b) prior on R (EpiEstim: mean 5, sd 5 → a 1,
//   b 5), the posterior is Gamma(a + Σ I_local, 1 / (1/b + Σ Λ)): mean shape × scale, sd √shape × scale,
//   quantiles of that gamma.
// - Too few cases: a window with fewer local cases than `minCases` (EpiEstim warns below a posterior
//   coefficient of variation of 0.3, i.e. about 12 cases with the default prior) or no infectiousness
//   gets no estimate, and says why.
import { gammaCdf, gammaQuantile } from './gamma.rules.ts';

export const DAY_MS = 86_400_000;

export type SerialIntervalSpec =
  { kind: 'parametric'; mean: number; sd: number } | { kind: 'discrete'; distribution: readonly number[] };

/** A fault of the input, with the error code the service raises and the field it names. */
export class RtInputError extends Error {
  constructor(
    readonly code: 'DECISION_SI_MEAN' | 'DECISION_SI_SD' | 'DECISION_SI_DISCRETE' | 'DECISION_WINDOW',
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RtInputError';
  }
}

/**
 * EpiEstim's discr_si(k, mu, sigma): the probability that the serial interval is k days, for a gamma
 * with mean mu − 1 and sd sigma shifted by one day, discretised so that the mean of the discrete
 * distribution is mu.
 */
export function discrSi(k: number, mu: number, sigma: number): number {
  const a = ((mu - 1) * (mu - 1)) / (sigma * sigma);
  const b = (sigma * sigma) / (mu - 1);
  const p = (x: number, shape: number) => (x <= 0 ? 0 : gammaCdf(x, shape, b));
  let res = k * p(k, a) + (k - 2) * p(k - 2, a) - 2 * (k - 1) * p(k - 1, a);
  res += a * b * (2 * p(k - 1, a + 1) - p(k - 2, a + 1) - p(k, a + 1));
  return Math.max(0, res);
}

/** The serial interval as w_0 … w_{n−1} (w_0 = 0), checked; parametric ones are cut at `length` days. */
export function serialInterval(spec: SerialIntervalSpec, length: number): number[] {
  if (spec.kind === 'parametric') {
    if (!(Number.isFinite(spec.mean) && spec.mean > 1))
      throw new RtInputError('DECISION_SI_MEAN', 'si.mean', 'the serial interval mean must be above 1 day');
    if (!(Number.isFinite(spec.sd) && spec.sd > 0))
      throw new RtInputError('DECISION_SI_SD', 'si.sd', 'the serial interval sd must be positive');
    const w: number[] = [];
    for (let k = 0; k < Math.max(2, length); k++) w.push(discrSi(k, spec.mean, spec.sd));
    return w;
  }
  const d = spec.distribution;
  if (d.length < 2 || d.some((x) => !(Number.isFinite(x) && x >= 0)))
    throw new RtInputError('DECISION_SI_DISCRETE', 'si.distribution', 'probabilities must be non-negative numbers');
  if (d[0] !== 0)
    throw new RtInputError(
      'DECISION_SI_DISCRETE',
      'si.distribution[0]',
      'the probability of a 0-day interval must be 0',
    );
  const sum = d.reduce((s, x) => s + x, 0);
  if (Math.abs(sum - 1) > 1e-6)
    throw new RtInputError('DECISION_SI_DISCRETE', 'si.distribution', `the probabilities sum to ${sum}, not 1`);
  const mean = d.reduce((s, x, i) => s + x * i, 0);
  if (!(mean > 0))
    throw new RtInputError('DECISION_SI_MEAN', 'si.distribution', 'the serial interval mean must be positive');
  return [...d];
}

/** Mean and sd of a discrete serial interval. */
export function siMoments(w: readonly number[]): { mean: number; sd: number } {
  const total = w.reduce((s, x) => s + x, 0) || 1;
  const mean = w.reduce((s, x, i) => s + x * i, 0) / total;
  const v = w.reduce((s, x, i) => s + x * (i - mean) ** 2, 0) / total;
  return { mean, sd: Math.sqrt(v) };
}

/** Infectiousness Λ_t = Σ_{s=1}^{t} I_{t−s} w_s for every day t of the series (Λ_0 = 0). */
export function infectiousness(total: readonly number[], w: readonly number[]): number[] {
  const out: number[] = new Array(total.length).fill(0);
  for (let t = 1; t < total.length; t++) {
    let s = 0;
    const top = Math.min(t, w.length - 1);
    for (let k = 1; k <= top; k++) s += total[t - k] * w[k];
    out[t] = s;
  }
  return out;
}

export interface RtPrior {
  shape: number;
  scale: number;
}

/** EpiEstim's default prior: mean 5, sd 5. */
export const EPIESTIM_PRIOR: RtPrior = { shape: 1, scale: 5 };

export interface RtOptions {
  window: number;
  prior: RtPrior;
  /** Fewest local cases in a window for an estimate. */
  minCases: number;
}

export type RtWindow =
  | {
      /** Index of the window's last day in the series. */
      end: number;
      start: number;
      cases: number;
      infectiousness: number;
      estimate: {
        shape: number;
        scale: number;
        mean: number;
        sd: number;
        q025: number;
        q50: number;
        q975: number;
        q25: number;
        q75: number;
      };
    }
  | {
      end: number;
      start: number;
      cases: number;
      infectiousness: number;
      estimate: null;
      reason: 'too_few_cases' | 'no_infectiousness';
    };

/** The posterior of R for one window's sums, in closed form. */
export function posterior(prior: RtPrior, cases: number, lambda: number) {
  const shape = prior.shape + cases;
  const scale = 1 / (1 / prior.scale + lambda);
  return {
    shape,
    scale,
    mean: shape * scale,
    sd: Math.sqrt(shape) * scale,
    q025: gammaQuantile(0.025, shape, scale),
    q25: gammaQuantile(0.25, shape, scale),
    q50: gammaQuantile(0.5, shape, scale),
    q75: gammaQuantile(0.75, shape, scale),
    q975: gammaQuantile(0.975, shape, scale),
  };
}

/**
 * Rt for every sliding window of `window` days ending on day t, from the second day on (EpiEstim's
 * default t_start 2 … T−τ+1, 1-based: the first day has no infectiousness before it).
 */
export function estimateRt(
  local: readonly number[],
  imported: readonly number[],
  w: readonly number[],
  o: RtOptions,
): RtWindow[] {
  if (!(Number.isInteger(o.window) && o.window >= 1))
    throw new RtInputError('DECISION_WINDOW', 'window', 'the window must be a whole number of days, 1 or more');
  if (local.length !== imported.length) throw new RangeError('local and imported series differ in length');
  const total = local.map((x, i) => x + imported[i]);
  const lambda = infectiousness(total, w);
  const out: RtWindow[] = [];
  for (let end = o.window; end < local.length; end++) {
    const start = end - o.window + 1;
    let cases = 0;
    let lam = 0;
    for (let t = start; t <= end; t++) {
      cases += local[t];
      lam += lambda[t];
    }
    if (lam <= 0) out.push({ end, start, cases, infectiousness: lam, estimate: null, reason: 'no_infectiousness' });
    else if (cases < o.minCases)
      out.push({ end, start, cases, infectiousness: lam, estimate: null, reason: 'too_few_cases' });
    else out.push({ end, start, cases, infectiousness: lam, estimate: posterior(o.prior, cases, lam) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// From case records to a daily series.

/** The number of an instant's day (days since 1970-01-01) in the deployment's zone. */
export type DayOf = (ms: number) => number;

export interface CaseForRt {
  onsetAt: number | null;
  sampledAt: number | null;
  reportedAt: number;
  imported: boolean;
}

/** The day a case counts on: onset, else first positive sample, else report; `dayOf` numbers an instant's day in the deployment's zone. */
export function caseDay(c: CaseForRt, dayOf: DayOf): { day: number; by: 'onset' | 'sample' | 'report' } {
  const at = c.onsetAt ?? c.sampledAt ?? c.reportedAt;
  const by = c.onsetAt != null ? 'onset' : c.sampledAt != null ? 'sample' : 'report';
  return { day: dayOf(at), by };
}

export interface DailySeries {
  /** Day numbers (days since 1970-01-01 in the deployment's zone), one per entry. */
  days: number[];
  local: number[];
  imported: number[];
  /** How many cases were placed by sample or report date for want of an onset. */
  withoutOnset: number;
}

/** Daily local and imported counts from `firstDay` to `lastDay` inclusive; cases outside are dropped. */
export function dailySeries(cases: readonly CaseForRt[], firstDay: number, lastDay: number, dayOf: DayOf): DailySeries {
  const n = Math.max(0, lastDay - firstDay + 1);
  const local = new Array<number>(n).fill(0);
  const imported = new Array<number>(n).fill(0);
  let withoutOnset = 0;
  for (const c of cases) {
    const { day, by } = caseDay(c, dayOf);
    if (day < firstDay || day > lastDay) continue;
    if (by !== 'onset') withoutOnset++;
    (c.imported ? imported : local)[day - firstDay]++;
  }
  return { days: Array.from({ length: n }, (_, i) => firstDay + i), local, imported, withoutOnset };
}

// ---------------------------------------------------------------------------------------------------
// The serial interval from the city's own infector–infectee pairs.

export interface SiFromPairs {
  /** Pairs with both onsets. */
  pairs: number;
  /** Of those, the intervals of a day or more the fit used. */
  used: number;
  mean: number | null;
  sd: number | null;
}

/**
 * Mean and sd of the serial intervals (infectee's onset day − infector's) of a day or more; the
 * estimator takes them as a parametric interval when there are `minPairs` and the mean is above a day.
 */
export function serialIntervalFromPairs(
  pairs: readonly { infectorOnset: number; infecteeOnset: number }[],
  dayOf: DayOf,
): SiFromPairs {
  const days = pairs.map((p) => dayOf(p.infecteeOnset) - dayOf(p.infectorOnset)).filter((d) => d >= 1);
  if (days.length < 2) return { pairs: pairs.length, used: days.length, mean: null, sd: null };
  const mean = days.reduce((s, x) => s + x, 0) / days.length;
  const sd = Math.sqrt(days.reduce((s, x) => s + (x - mean) ** 2, 0) / (days.length - 1));
  return { pairs: pairs.length, used: days.length, mean, sd };
}
