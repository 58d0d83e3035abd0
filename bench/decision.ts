// npm run bench -- decision [--runs N] [--days N]
//
// Rt on synthetic outbreaks whose true R is known: N outbreaks (default 200) of D days (default 56) are
// drawn by the renewal process of the demo (src/decision/decision.demo.ts: six imported seeds, R 1.6 for
// two weeks, 1.1 for two weeks, then 0.75) on the rule file's serial interval, and the Cori estimator
// (src/decision/rt.rules.ts, 7-day windows, EpiEstim's prior) is run on each. Printed: the share of
// windows with an estimate whose 95 % credible interval covers the truth — the mean of R(t) over the
// window's days (a window straddling a change has no single R) — and, apart, the windows that lie
// wholly inside one R period; the same for the 50 % interval; and the projections' 95 % band coverage of
// what followed (14 days from each outbreak's day 35, scored as the job does).
// Time: the estimator per outbreak against its limit, one pass over the same series doing nothing but
// summing Λ's terms (the infectiousness, which the estimator cannot avoid); the ratio is limit / estimator.
import { performance } from 'node:perf_hooks';
import { decisionPolicy, periodFor } from '../src/decision/decision.policy.ts';
import { demoR, planOutbreak } from '../src/decision/decision.demo.ts';
import { seededRandom } from '../src/decision/gamma.rules.ts';
import { project, scoreProjection } from '../src/decision/projection.rules.ts';
import { EPIESTIM_PRIOR, estimateRt, infectiousness, serialInterval } from '../src/decision/rt.rules.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 200);
const DAYS = arg('days', 56);

const period = periodFor(decisionPolicy(), '2022-06-01');
const w = serialInterval({ kind: 'parametric', ...period.serialInterval }, 30);
const options = { window: period.window, prior: EPIESTIM_PRIOR, minCases: period.minCases };

let windows = 0;
let covered95 = 0;
let covered50 = 0;
let steady = 0;
let steadyCovered = 0;
let projections = 0;
let projectionCoverage = 0;
let outbreaks = 0;
let estimatorMs = 0;
let limitMs = 0;
let sink = 0;

for (let run = 0; run < RUNS; run++) {
  const random = seededRandom(run + 1);
  const plan = planOutbreak(random, { days: DAYS, w, r: demoR, seeds: 6, arrivals: 0.15 });
  if (plan.length < 100) continue; // died out: nothing to estimate
  outbreaks++;
  const local = new Array<number>(DAYS).fill(0);
  const imported = new Array<number>(DAYS).fill(0);
  for (const c of plan) (c.imported ? imported : local)[c.day]++;

  let t0 = performance.now();
  const est = estimateRt(local, imported, w, options);
  estimatorMs += performance.now() - t0;
  t0 = performance.now();
  const lambda = infectiousness(
    local.map((x, i) => x + imported[i]),
    w,
  );
  for (const x of lambda) sink += x;
  if (sink < 0) console.log('negative infectiousness');
  limitMs += performance.now() - t0;

  for (const e of est) {
    if (!e.estimate) continue;
    let truth = 0;
    for (let t = e.start; t <= e.end; t++) truth += demoR(t);
    truth /= e.end - e.start + 1;
    windows++;
    const in95 = truth >= e.estimate.q025 && truth <= e.estimate.q975;
    if (in95) covered95++;
    if (truth >= e.estimate.q25 && truth <= e.estimate.q75) covered50++;
    if (demoR(e.start) === demoR(e.end)) {
      steady++;
      if (in95) steadyCovered++;
    }
  }
  const cut = 35;
  const last = est.find((e) => e.end === cut - 1);
  if (last?.estimate && DAYS >= cut + 14) {
    const days = project({
      observed: local.slice(0, cut).map((x, i) => x + imported[i]),
      w,
      shape: last.estimate.shape,
      scale: last.estimate.scale,
      horizon: 14,
      trajectories: 500,
      seed: run,
    });
    projections++;
    projectionCoverage += scoreProjection(days, local.slice(cut, cut + 14)).coverage95;
  }
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
console.log(`decision: ${outbreaks} outbreaks of ${DAYS} days (of ${RUNS} drawn; the others died out)`);
console.log(`  Rt windows with an estimate: ${windows}`);
console.log(
  `  95 % CrI covers the true R: ${pct(covered95, windows)} (windows inside one R period: ${pct(steadyCovered, steady)} of ${steady})`,
);
console.log(`  50 % CrI covers the true R: ${pct(covered50, windows)}`);
console.log(
  `  projections from day 35: 95 % band covers the 14 days that followed on ${pct(projectionCoverage, projections)} of days (${projections} projections)`,
);
console.log(
  `  estimator ${(estimatorMs / outbreaks).toFixed(3)} ms per outbreak; limit (one pass over Λ) ${(limitMs / outbreaks).toFixed(3)} ms; ratio limit/estimator ${(limitMs / estimatorMs).toFixed(4)} (the estimator's time is its five gamma quantiles per window)`,
);
