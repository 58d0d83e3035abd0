import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gammaCdf, gammaQuantile, logGamma, samplePoisson, seededRandom } from '../../src/decision/gamma.rules.ts';
import {
  dailySeries,
  discrSi,
  EPIESTIM_PRIOR,
  estimateRt,
  infectiousness,
  RtInputError,
  serialInterval,
  serialIntervalFromPairs,
  siMoments,
} from '../../src/decision/rt.rules.ts';
import { intervalScore, project, scoreProjection, weightedIntervalScore } from '../../src/decision/projection.rules.ts';

const close = (a: number, b: number, tol = 1e-6) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test('gamma quantiles and probabilities match R (qgamma, pgamma)', () => {
  close(gammaQuantile(0.975, 1, 5), -5 * Math.log(0.025), 1e-10);
  close(gammaQuantile(0.025, 1, 5), -5 * Math.log(0.975), 1e-10);
  close(gammaQuantile(0.975, 5, 2), 20.48318, 1e-6); // qchisq(0.975, 10)
  close(gammaQuantile(0.025, 5, 2), 3.246973, 1e-6); // qchisq(0.025, 10)
  close(gammaQuantile(0.5, 0.5, 2), 0.4549364, 1e-6); // qchisq(0.5, 1)
  close(gammaQuantile(0.025, 0.5, 2), 0.0009820691, 1e-6); // qchisq(0.025, 1)
  close(gammaQuantile(0.5, 2, 1), 1.678347, 1e-6);
  close(gammaCdf(3, 2, 1), 0.8008517, 1e-6); // pgamma(3, 2)
  close(logGamma(10), Math.log(362880), 1e-12);
});

test('the gamma quantile inverts the probability over shapes from 0.1 to 5000', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.1, max: 5000, noNaN: true }),
      fc.double({ min: 0.001, max: 0.999, noNaN: true }),
      (shape, p) => {
        const x = gammaQuantile(p, shape, 1);
        close(gammaCdf(x, shape, 1), p, 1e-8);
      },
    ),
    { numRuns: 300 },
  );
});

test('a short series gives the posterior computed by hand (Cori et al. 2013)', () => {
  // w = (0, ½, ½); Λ_1 = 10·½ = 5, Λ_2 = 20·½ + 10·½ = 15, Λ_3 = 30·½ + 20·½ = 25.
  const w = [0, 0.5, 0.5];
  assert.deepEqual(infectiousness([10, 20, 30, 40], w), [0, 5, 15, 25]);
  const out = estimateRt([10, 20, 30, 40], [0, 0, 0, 0], w, { window: 2, prior: EPIESTIM_PRIOR, minCases: 0 });
  assert.equal(out.length, 2);
  const [a, b] = out;
  assert.ok(a.estimate && b.estimate);
  // Window days 1–2: cases 20 + 30 = 50, Λ 5 + 15 = 20 → shape 1 + 50, scale 1/(1/5 + 20).
  close(a.estimate.shape, 51, 1e-12);
  close(a.estimate.scale, 1 / 20.2, 1e-12);
  close(a.estimate.mean, 51 / 20.2, 1e-12);
  close(a.estimate.sd, Math.sqrt(51) / 20.2, 1e-12);
  // Window days 2–3: cases 70, Λ 40 → shape 71, scale 1/40.2.
  close(b.estimate.mean, 71 / 40.2, 1e-12);
  close(gammaCdf(b.estimate.q975, 71, 1 / 40.2), 0.975, 1e-9);
  close(gammaCdf(b.estimate.q025, 71, 1 / 40.2), 0.025, 1e-9);
  close(gammaCdf(b.estimate.q50, 71, 1 / 40.2), 0.5, 1e-9);
});

test('imported cases add infectiousness but not incidence', () => {
  const w = [0, 0.5, 0.5];
  const out = estimateRt([10, 20, 30, 40], [0, 10, 0, 0], w, { window: 2, prior: EPIESTIM_PRIOR, minCases: 0 });
  // Totals 10, 30, 30, 40: Λ_1 = 5, Λ_2 = 15 + 5 = 20; local cases on days 1–2 still 50.
  assert.ok(out[0].estimate);
  close(out[0].estimate.shape, 51, 1e-12);
  close(out[0].estimate.scale, 1 / (0.2 + 25), 1e-12);
});

test('too few cases in a window give no estimate and say so', () => {
  const out = estimateRt([0, 1, 1, 2, 0, 0], [0, 0, 0, 0, 0, 0], [0, 1], {
    window: 2,
    prior: EPIESTIM_PRIOR,
    minCases: 3,
  });
  assert.equal(out[0].estimate, null);
  assert.equal(out[0].estimate === null && out[0].reason, 'too_few_cases');
  assert.ok(out[1].estimate); // days 2–3: 3 cases
  const last = out[out.length - 1];
  assert.equal(last.estimate === null && last.reason, 'too_few_cases');
  const none = estimateRt([0, 0, 5, 5], [0, 0, 0, 0], [0, 1], { window: 1, prior: EPIESTIM_PRIOR, minCases: 0 });
  assert.equal(none[0].estimate === null && none[0].reason, 'no_infectiousness');
});

test('discr_si sums to 1 and keeps the mean (EpiEstim)', () => {
  const w = serialInterval({ kind: 'parametric', mean: 4.8, sd: 2.3 }, 60);
  assert.equal(w[0], 0);
  close(
    w.reduce((s, x) => s + x, 0),
    1,
    1e-6,
  );
  close(siMoments(w).mean, 4.8, 1e-5);
  close(discrSi(1, 2.6, 1.5) + discrSi(0, 2.6, 1.5), discrSi(1, 2.6, 1.5), 1e-12);
});

test('bad serial intervals are refused with their code and field', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof RtInputError);
      return `${e.code}:${e.field}`;
    }
    return 'none';
  };
  assert.equal(
    code(() => serialInterval({ kind: 'parametric', mean: 0, sd: 1 }, 10)),
    'DECISION_SI_MEAN:si.mean',
  );
  assert.equal(
    code(() => serialInterval({ kind: 'parametric', mean: -2, sd: 1 }, 10)),
    'DECISION_SI_MEAN:si.mean',
  );
  assert.equal(
    code(() => serialInterval({ kind: 'parametric', mean: 3, sd: 0 }, 10)),
    'DECISION_SI_SD:si.sd',
  );
  assert.equal(
    code(() => serialInterval({ kind: 'discrete', distribution: [0, 0.5, 0.4] }, 10)),
    'DECISION_SI_DISCRETE:si.distribution',
  );
  assert.equal(
    code(() => serialInterval({ kind: 'discrete', distribution: [0.2, 0.8] }, 10)),
    'DECISION_SI_DISCRETE:si.distribution[0]',
  );
  assert.equal(
    code(() => serialInterval({ kind: 'discrete', distribution: [0, 1] }, 10)),
    'none',
  );
  assert.equal(
    code(() => estimateRt([1], [0], [0, 1], { window: 0, prior: EPIESTIM_PRIOR, minCases: 0 })),
    'DECISION_WINDOW:window',
  );
});

test('cases count on onset, else sample, else report day; imported apart', () => {
  const day = 86_400_000;
  const s = dailySeries(
    [
      { onsetAt: 10 * day + 5, sampledAt: 12 * day, reportedAt: 13 * day, imported: false },
      { onsetAt: null, sampledAt: 11 * day, reportedAt: 13 * day, imported: false },
      { onsetAt: null, sampledAt: null, reportedAt: 12 * day, imported: true },
      { onsetAt: 2 * day, sampledAt: null, reportedAt: 3 * day, imported: false },
    ],
    10,
    12,
    (ms) => Math.floor(ms / day),
  );
  assert.deepEqual(s.local, [1, 1, 0]);
  assert.deepEqual(s.imported, [0, 0, 1]);
  assert.equal(s.withoutOnset, 2);
});

test('the serial interval from pairs counts pairs and uses intervals of a day or more', () => {
  const day = 86_400_000;
  const si = serialIntervalFromPairs(
    [
      { infectorOnset: 0, infecteeOnset: 3 * day },
      { infectorOnset: 0, infecteeOnset: 5 * day },
      { infectorOnset: 2 * day, infecteeOnset: 2 * day },
    ],
    (ms) => Math.floor(ms / day),
  );
  assert.deepEqual({ pairs: si.pairs, used: si.used, mean: si.mean }, { pairs: 3, used: 2, mean: 4 });
  close(si.sd!, Math.SQRT2, 1e-12);
});

test('the renewal projection is reproducible and follows R', () => {
  const w = [0, 0.25, 0.5, 0.25];
  const flat = project({
    observed: [20, 20, 20, 20],
    w,
    shape: 4000,
    scale: 1 / 4000,
    horizon: 14,
    trajectories: 400,
    seed: 7,
  });
  assert.deepEqual(
    flat,
    project({ observed: [20, 20, 20, 20], w, shape: 4000, scale: 1 / 4000, horizon: 14, trajectories: 400, seed: 7 }),
  );
  // R = 1 on a flat series: the median stays near 20 and the 95 % band holds it.
  for (const d of flat) {
    assert.ok(d.q025 <= d.q25 && d.q25 <= d.median && d.median <= d.q75 && d.q75 <= d.q975);
    assert.ok(d.q025 <= 20 && d.q975 >= 20);
  }
  const growing = project({
    observed: [20, 20, 20, 20],
    w,
    shape: 4000,
    scale: 2 / 4000,
    horizon: 14,
    trajectories: 400,
    seed: 7,
  });
  assert.ok(growing[13].median > 20 * 8, `median ${growing[13].median}`);
});

test('a Poisson draw has its mean', () => {
  const random = seededRandom(3);
  for (const mean of [0.5, 12, 80, 5000]) {
    let s = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) s += samplePoisson(random, mean);
    const sdOfMean = Math.sqrt(mean / n);
    assert.ok(Math.abs(s / n - mean) < 5 * sdOfMean, `${mean}: ${s / n}`);
  }
});

test('the interval score and the weighted interval score by hand (Bracher et al. 2021)', () => {
  assert.equal(intervalScore(0.5, 2, 6, 4), 4);
  assert.equal(intervalScore(0.5, 2, 6, 1), 4 + 4 * 1);
  assert.equal(intervalScore(0.05, 2, 6, 10), 4 + 40 * 4);
  const d = { median: 4, q25: 3, q75: 5, q025: 1, q975: 8 };
  // y = 10: ½·6 + ¼·(2 + 4·5) + 0.025·(7 + 40·2) = 3 + 5.5 + 2.175 = 10.675; / 2.5.
  close(weightedIntervalScore(d, 10), 10.675 / 2.5, 1e-12);
  // y = 4: ½·0 + ¼·2 + 0.025·7 = 0.675; / 2.5.
  close(weightedIntervalScore(d, 4), 0.675 / 2.5, 1e-12);
  const s = scoreProjection([d, d], [4, 10]);
  assert.deepEqual({ days: s.days, c50: s.coverage50, c95: s.coverage95 }, { days: 2, c50: 0.5, c95: 0.5 });
  close(s.wis, (10.675 + 0.675) / 5, 1e-12);
});

test('the shipped decision rules load, and a bad file names its field', async () => {
  const { decisionPolicy, parseDecisionPolicy, periodFor } = await import('../../src/decision/decision.policy.ts');
  const p = decisionPolicy();
  assert.equal(periodFor(p, '2021-06-01').serialInterval.mean, 4.7);
  assert.equal(periodFor(p, '2022-06-01').window, 7);
  const raw = JSON.parse(JSON.stringify({ ...p, periods: [{ ...p.periods[0], serialInterval: { mean: 1, sd: 2 } }] }));
  assert.throws(() => parseDecisionPolicy(raw), /periods\[0\]\.serialInterval\.mean/);
  const unordered = JSON.parse(JSON.stringify({ ...p, periods: [p.periods[1], p.periods[0]] }));
  assert.throws(() => parseDecisionPolicy(unordered), /periods\[1\]\.from/);
});
