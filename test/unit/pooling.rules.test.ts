import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/platform/errors.ts';
import {
  advise,
  approximateOptimalPoolSize,
  approximateOptimalTestsPerPerson,
  bestThreeStage,
  ctShift,
  dilutionAllows,
  dorfmanTestsPerPerson,
  optimalDorfman,
  parseAdvisorOptions,
  planRound,
  POOLING_THRESHOLD,
  recommend,
  squareArrayTestsPerPerson,
  subPoolSizes,
  threeStageTestsPerPerson,
  unconstrainedDorfmanOptimum,
  type AdvisorOptions,
  type RawAdvisorOptions,
  type RoundArea,
} from '../../src/testing/pooling.rules.ts';
import { loadPoolingPolicy, parsePoolingPolicy } from '../../src/testing/pooling.policy.ts';
import type { PoolingPolicy } from '../../src/testing/pooling.rules.ts';

const policy = loadPoolingPolicy();
const SIZES_2_TO_32 = Array.from({ length: 31 }, (_, i) => i + 2);

function close(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);
}

function options(raw: RawAdvisorOptions): AdvisorOptions {
  return parseAdvisorOptions(raw, policy);
}

function codeOf(fn: () => unknown): { code: string; option: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return { code: err.code, option: err.params.option };
  }
  assert.fail('expected an error');
}

/** Every outcome of n people, each positive with probability p: calls visit(positives, probability). */
function enumerate(n: number, p: number, visit: (positive: boolean[], probability: number) => void): void {
  for (let mask = 0; mask < 2 ** n; mask++) {
    const positive = Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1);
    const probability = positive.reduce((acc, x) => acc * (x ? p : 1 - p), 1);
    visit(positive, probability);
  }
}

describe('Dorfman two-stage pooling', () => {
  // Optimum pool sizes and tests per person, computed from E = 1/k + 1 − q^k over k = 2…32.
  // (For p = 0.15 the formula gives 0.7192 at k = 3; k = 2 gives 0.7775 and k = 4 gives 0.7280.)
  const published: Array<[number, number, number]> = [
    [0.01, 11, 0.1956],
    [0.02, 8, 0.2742],
    [0.05, 5, 0.4262],
    [0.1, 4, 0.5939],
    [0.15, 3, 0.7192],
  ];
  for (const [p, k, e] of published) {
    test(`p = ${p}: optimum k = ${k}, E ≈ ${e}`, () => {
      const best = optimalDorfman(p, SIZES_2_TO_32);
      assert.equal(best.k, k);
      close(best.testsPerPerson, e, 5e-5, `E at p=${p}`);
      assert.deepEqual(unconstrainedDorfmanOptimum(p).k, k);
      close(dorfmanTestsPerPerson(p, k), e, 5e-5);
    });
  }

  test('the formula: E = 1/k + 1 − q^k, and single tubes cost one test each', () => {
    close(dorfmanTestsPerPerson(0.01, 10), 0.1 + 1 - 0.99 ** 10, 1e-12);
    assert.equal(dorfmanTestsPerPerson(0.2, 1), 1);
  });

  test('it is the exact expectation over every outcome of one pool', () => {
    for (const [p, k] of [
      [0.03, 5],
      [0.2, 4],
      [0.5, 3],
    ] as const) {
      let expected = 0;
      enumerate(k, p, (positive, probability) => {
        expected += probability * (1 + (positive.some(Boolean) ? k : 0));
      });
      close(dorfmanTestsPerPerson(p, k), expected / k, 1e-12, `p=${p} k=${k}`);
    }
  });

  test('small-p approximations: k ≈ 1/√p + ½ and E ≈ 2√p', () => {
    close(approximateOptimalPoolSize(0.01), 10.5, 1e-12);
    close(approximateOptimalTestsPerPerson(0.01), 0.2, 1e-12);
    for (const p of [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02]) {
      const exact = unconstrainedDorfmanOptimum(p);
      assert.ok(
        Math.abs(exact.k - approximateOptimalPoolSize(p)) <= 1,
        `k at p=${p}: ${exact.k} vs ${approximateOptimalPoolSize(p)}`,
      );
      const relative = Math.abs(exact.testsPerPerson - approximateOptimalTestsPerPerson(p)) / exact.testsPerPerson;
      assert.ok(
        relative < (p <= 0.01 ? 0.025 : 0.035),
        `E at p=${p}: ${exact.testsPerPerson} vs ${approximateOptimalTestsPerPerson(p)}`,
      );
    }
    // The approximation tightens as p falls.
    const gap = (p: number) =>
      Math.abs(unconstrainedDorfmanOptimum(p).testsPerPerson - 2 * Math.sqrt(p)) / (2 * Math.sqrt(p));
    assert.ok(gap(0.0005) < gap(0.005) && gap(0.005) < gap(0.05));
  });

  test('pooling helps only below p = 1 − 3^(−1/3) ≈ 30.7 %', () => {
    close(POOLING_THRESHOLD, 0.30664, 1e-5);
    close(dorfmanTestsPerPerson(POOLING_THRESHOLD, 3), 1, 1e-12, 'E at the threshold with k = 3');
    const below = optimalDorfman(0.306, SIZES_2_TO_32);
    assert.equal(below.k, 3);
    assert.ok(below.testsPerPerson < 1);
    const above = optimalDorfman(0.307, SIZES_2_TO_32);
    assert.deepEqual(above, { k: 1, testsPerPerson: 1 });
    assert.equal(unconstrainedDorfmanOptimum(0.307).k, 1);
  });

  test('an imperfect test: E ≈ 1/k + Se·(1 − q^k) + (1 − Sp)·q^k, and Se = Sp = 1 is the perfect test', () => {
    for (const p of [0.001, 0.01, 0.1]) {
      for (const k of [5, 10, 20]) {
        assert.equal(dorfmanTestsPerPerson(p, k, { sensitivity: 1, specificity: 1 }), dorfmanTestsPerPerson(p, k));
      }
    }
    const q10 = 0.99 ** 10;
    close(
      dorfmanTestsPerPerson(0.01, 10, { sensitivity: 0.95, specificity: 0.99 }),
      0.1 + 0.95 * (1 - q10) + 0.01 * q10,
      1e-12,
    );
    // Missed positives save re-tests; false positive pools cost them.
    assert.ok(dorfmanTestsPerPerson(0.01, 10, { sensitivity: 0.9, specificity: 1 }) < dorfmanTestsPerPerson(0.01, 10));
    assert.ok(dorfmanTestsPerPerson(0.01, 10, { sensitivity: 1, specificity: 0.98 }) > dorfmanTestsPerPerson(0.01, 10));
  });
});

describe('three-stage and square-array pooling', () => {
  test('three-stage: E = 1/k₁ + (1 − q^k₁)/k₂ + (1 − q^k₂) when k₂ divides k₁', () => {
    const p = 0.02;
    const q = 1 - p;
    for (const [k1, k2] of [
      [10, 5],
      [10, 2],
      [20, 4],
      [6, 3],
    ] as const) {
      close(
        threeStageTestsPerPerson(p, k1, k2),
        1 / k1 + (1 - q ** k1) / k2 + (1 - q ** k2),
        1e-12,
        `k1=${k1} k2=${k2}`,
      );
    }
  });

  test('three-stage is the exact expectation over every outcome, also for uneven sub-pools', () => {
    for (const [p, k1, k2] of [
      [0.05, 6, 3],
      [0.05, 5, 2],
      [0.1, 7, 3],
      [0.2, 3, 2],
    ] as const) {
      const sizes = subPoolSizes(k1, k2);
      let expected = 0;
      enumerate(k1, p, (positive, probability) => {
        let tests = 1;
        if (positive.some(Boolean)) {
          tests += sizes.length;
          let start = 0;
          for (const s of sizes) {
            if (s >= 2 && positive.slice(start, start + s).some(Boolean)) tests += s;
            start += s;
          }
        }
        expected += probability * tests;
      });
      close(threeStageTestsPerPerson(p, k1, k2), expected / k1, 1e-12, `p=${p} k1=${k1} k2=${k2}`);
    }
    assert.deepEqual(subPoolSizes(10, 4), [4, 3, 3]);
    assert.deepEqual(subPoolSizes(5, 2), [2, 2, 1]);
  });

  test('three-stage beats two-stage at low prevalence', () => {
    for (const p of [0.001, 0.005, 0.01, 0.02, 0.05]) {
      const two = optimalDorfman(p, SIZES_2_TO_32).testsPerPerson;
      const three = Math.min(...SIZES_2_TO_32.filter((k) => k >= 3).map((k) => bestThreeStage(p, k)!.testsPerPerson));
      assert.ok(three <= two, `p=${p}: three-stage ${three} > two-stage ${two}`);
    }
    for (const k of [10, 20]) assert.ok(bestThreeStage(0.01, k)!.testsPerPerson < dorfmanTestsPerPerson(0.01, k));
    assert.equal(bestThreeStage(0.01, 2), null);
  });

  test('square array: E = 2/n + 1 − 2qⁿ + q^(2n−1), the exact expectation', () => {
    const p = 0.1;
    for (const n of [2, 3, 4]) {
      let expected = 0;
      enumerate(n * n, p, (positive, probability) => {
        const row = (r: number) => positive.slice(r * n, r * n + n).some(Boolean);
        const col = (c: number) => Array.from({ length: n }, (_, r) => positive[r * n + c]).some(Boolean);
        let tests = 2 * n;
        for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (row(r) && col(c)) tests += 1;
        expected += probability * tests;
      });
      close(squareArrayTestsPerPerson(p, n), expected / (n * n), 1e-12, `n=${n}`);
    }
  });

  test('square array sanity: 2/n tests as p → 0, and below Dorfman at low prevalence', () => {
    close(squareArrayTestsPerPerson(1e-9, 10), 0.2, 1e-6);
    const p = 0.01;
    const square = Math.min(...SIZES_2_TO_32.map((n) => squareArrayTestsPerPerson(p, n)));
    assert.ok(square < optimalDorfman(p, SIZES_2_TO_32).testsPerPerson);
    assert.ok(squareArrayTestsPerPerson(p, 10) > squareArrayTestsPerPerson(0.001, 10));
  });
});

describe('Ct dilution limit', () => {
  test('dilution shifts Ct by log₂(k): 3.32 at 10, 4.32 at 20', () => {
    close(ctShift(10), 3.32, 0.005);
    close(ctShift(20), 4.32, 0.005);
    assert.equal(ctShift(1), 0);
  });

  test('a size is allowed while a weak positive stays below the cut-off', () => {
    const o = { ctCutoff: 40, typicalCt: 35, maxCtShift: null };
    assert.equal(dilutionAllows(20, o), true); // 39.32
    assert.equal(dilutionAllows(32, o), false); // exactly 40: reads negative
    const weak = { ctCutoff: 40, typicalCt: 37, maxCtShift: null };
    assert.equal(dilutionAllows(5, weak), true); // 39.32
    assert.equal(dilutionAllows(10, weak), false); // 40.32
    const shift = { ctCutoff: 40, typicalCt: 35, maxCtShift: 3.5 };
    assert.equal(dilutionAllows(10, shift), true);
    assert.equal(dilutionAllows(20, shift), false);
    assert.equal(dilutionAllows(1, { ctCutoff: 40, typicalCt: 39.9, maxCtShift: 0 }), true);
  });

  test('the advisor excludes diluting sizes and says so when nothing is left', () => {
    const r = advise(options({ prevalence: '0.01', typicalCt: '37' }), policy);
    assert.deepEqual(
      r.rows.map((row) => [row.k, row.allowed]),
      [
        [1, true],
        [5, true],
        [10, false],
        [20, false],
      ],
    );
    assert.equal(r.recommendation.poolSize, 5);
    const none = recommend(options({ prevalence: '0.01', typicalCt: '38.5' }));
    assert.equal(none.poolSize, 1);
    assert.equal(none.reason, 'ct_dilution');
  });
});

describe('the advisor', () => {
  test('recommends the allowed size with the fewest expected tests', () => {
    const r = advise(options({ prevalence: '0.01' }), policy);
    assert.deepEqual(
      r.rows.map((row) => row.k),
      [1, 5, 10, 20],
    );
    assert.equal(r.recommendation.poolSize, 10);
    assert.equal(r.recommendation.reason, 'lowest_expected_tests');
    close(r.recommendation.saving, 1 - dorfmanTestsPerPerson(0.01, 10), 1e-12);
    const ten = r.rows.find((row) => row.k === 10)!;
    assert.equal(ten.tubesPer10k, 1000);
    close(ten.retestsPer10k, 10_000 * (1 - 0.99 ** 10), 1e-9);
    close(ten.dilutedCt, 35 + Math.log2(10), 1e-12);
    assert.equal(r.rows[0]!.threeStage, null);
    assert.equal(r.rows[0]!.squareArray, null);
    assert.equal(r.rows[0]!.retestsPer10k, 0);
    assert.equal(r.theory.optimalPoolSize, 11);
    const any = advise(options({ prevalence: '0.01', sizes: 'any' }), policy);
    assert.equal(any.rows.length, 32);
    assert.equal(any.recommendation.poolSize, 11);
  });

  test('above 30.7 % it recommends single tubes and says why; below it, sizes that do not help are refused', () => {
    const high = advise(options({ prevalence: '0.35', sizes: 'any' }), policy);
    assert.deepEqual([high.recommendation.poolSize, high.recommendation.reason], [1, 'prevalence_above_threshold']);
    assert.equal(high.theory.optimalPoolSize, null);
    const noGain = recommend(options({ prevalence: '0.28' }));
    assert.deepEqual([noGain.poolSize, noGain.reason], [1, 'no_gain']);
    const anyAt28 = recommend(options({ prevalence: '0.28', sizes: 'any' }));
    assert.equal(anyAt28.poolSize, 3);
  });

  test('per control level: never above the mandated size', () => {
    const r = advise(options({ prevalence: '0.002' }), policy);
    const by = Object.fromEntries(r.controlLevels.map((c) => [c.controlLevel, c]));
    assert.deepEqual([by.sealed!.poolSize, by.sealed!.reason], [1, 'mandated_single_tube']);
    assert.equal(by.sealed!.householdTube, true);
    assert.deepEqual([by.controlled!.poolSize, by.controlled!.reason], [10, 'capped_by_mandate']);
    assert.deepEqual([by.prevention!.poolSize, by.prevention!.reason], [20, 'lowest_expected_tests']);
    assert.equal(by.quarantine_site!.poolSize, 1);
    assert.equal(by.key_group!.poolSize, 1);
  });

  test('reads prevalence as a fraction, percent or per mille; sizes as validated, any or a list', () => {
    assert.equal(options({ prevalence: '1%' }).prevalence, 0.01);
    assert.equal(options({ prevalence: '10‰' }).prevalence, 0.01);
    assert.equal(options({ prevalence: ' 0.05 ' }).prevalence, 0.05);
    assert.deepEqual(options({ prevalence: '0.01' }).sizes, [5, 10, 20]);
    assert.deepEqual(options({ prevalence: '0.01', sizes: 'any' }).sizes, SIZES_2_TO_32);
    assert.deepEqual(options({ prevalence: '0.01', sizes: '20, 5,10,5' }).sizes, [5, 10, 20]);
    const o = options({ prevalence: '0.01' });
    assert.deepEqual([o.ctCutoff, o.typicalCt, o.maxCtShift], [40, 35, null]);
    assert.deepEqual(o.test, { sensitivity: 1, specificity: 1 });
  });

  test('bad input: ADVISOR_INPUT_INVALID naming the option', () => {
    const bad: Array<[RawAdvisorOptions, string]> = [
      [{}, 'prevalence'],
      [{ prevalence: '' }, 'prevalence'],
      [{ prevalence: '0' }, 'prevalence'],
      [{ prevalence: '1' }, 'prevalence'],
      [{ prevalence: '-0.1' }, 'prevalence'],
      [{ prevalence: '5' }, 'prevalence'],
      [{ prevalence: 'abc' }, 'prevalence'],
      [{ prevalence: '0.01', sizes: '5,10,40' }, 'sizes'],
      [{ prevalence: '0.01', sizes: '1,5' }, 'sizes'],
      [{ prevalence: '0.01', sizes: 'five' }, 'sizes'],
      [{ prevalence: '0.01', ctCutoff: 'x' }, 'ctCutoff'],
      [{ prevalence: '0.01', ctCutoff: '30' }, 'ctCutoff'],
      [{ prevalence: '0.01', typicalCt: '41' }, 'typicalCt'],
      [{ prevalence: '0.01', typicalCt: '36', maxCtShift: '3' }, 'maxCtShift'],
      [{ prevalence: '0.01', maxCtShift: '-1' }, 'maxCtShift'],
      [{ prevalence: '0.01', sensitivity: '1.2' }, 'sensitivity'],
      [{ prevalence: '0.01', specificity: '0' }, 'specificity'],
    ];
    for (const [raw, option] of bad) {
      assert.deepEqual(
        codeOf(() => options(raw)),
        { code: 'ADVISOR_INPUT_INVALID', option },
        JSON.stringify(raw),
      );
    }
  });
});

describe('planRound', () => {
  const areas: RoundArea[] = [
    { areaId: 'a1', name: '封控小区', population: 3000, controlLevel: 'sealed' },
    { areaId: 'a2', name: '管控区', population: 10_000, controlLevel: 'controlled' },
    { areaId: 'a3', name: '防范区', population: 50_000, controlLevel: 'prevention' },
    { areaId: 'a4', name: '隔离酒店', population: 200, controlLevel: 'quarantine_site' },
    { areaId: 'a5', name: '冷链从业人员', population: 801, controlLevel: 'key_group' },
  ];

  test('mandated sizes per control level from the rules file', () => {
    const plan = planRound({ areas, prevalence: 0.002 }, policy);
    assert.deepEqual(
      plan.areas.map((a) => [a.areaId, a.mandatedPoolSize, a.recommendedPoolSize]),
      [
        ['a1', 1, 1],
        ['a2', 10, 10],
        ['a3', 20, 20],
        ['a4', 1, 1],
        ['a5', 1, 1],
      ],
    );
    assert.equal(plan.areas[0]!.householdTube, true);
    assert.equal(plan.areas[1]!.reason, 'capped_by_mandate');
  });

  test('the advisor lowers a mandated size when prevalence is high, never raises it', () => {
    const plan = planRound({ areas, prevalence: 0.05 }, policy);
    assert.deepEqual(
      plan.areas.map((a) => a.recommendedPoolSize),
      [1, 5, 5, 1, 1],
    );
    for (const p of [0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.29, 0.4]) {
      const any = planRound({ areas, prevalence: p, sizes: SIZES_2_TO_32, sizeMode: 'any' }, policy);
      for (const a of any.areas) {
        assert.ok(
          a.recommendedPoolSize >= 1 && a.recommendedPoolSize <= a.mandatedPoolSize,
          `p=${p} ${a.controlLevel}: ${a.recommendedPoolSize}`,
        );
      }
    }
    const high = planRound({ areas, prevalence: 0.35 }, policy);
    assert.deepEqual(
      high.areas.map((a) => a.reason),
      [
        'mandated_single_tube',
        'prevalence_above_threshold',
        'prevalence_above_threshold',
        'mandated_single_tube',
        'mandated_single_tube',
      ],
    );
  });

  test('expected tubes, positive tubes, re-tests, people under control, and totals', () => {
    const p = 0.01;
    const plan = planRound({ areas, prevalence: p }, policy);
    const [sealed, controlled, prevention, site, key] = plan.areas;
    const pos10 = 1 - 0.99 ** 10;
    // Single tubes: one tube per person, positives are single tubes, no pool re-tests.
    assert.equal(sealed!.expectedTubes, 3000);
    close(sealed!.expectedPositiveTubes, 30, 1e-9);
    assert.equal(sealed!.expectedRetests, 0);
    assert.equal(sealed!.expectedControlled, 0);
    // 10:1 for 10,000 people.
    assert.equal(controlled!.expectedTubes, 1000);
    close(controlled!.expectedPositiveTubes, 1000 * pos10, 1e-9);
    close(controlled!.expectedRetests, 10_000 * pos10, 1e-9);
    close(controlled!.expectedControlled, 10_000 * pos10, 1e-9);
    // Prevention is mandated 20:1 but 10:1 costs fewer tests at 1 %.
    assert.equal(prevention!.recommendedPoolSize, 10);
    assert.equal(prevention!.expectedTubes, 5000);
    assert.equal(site!.expectedTubes, 200);
    assert.equal(key!.expectedTubes, 801);
    const t = plan.totals;
    assert.equal(t.population, 64_001);
    assert.equal(t.expectedTubes, 3000 + 1000 + 5000 + 200 + 801);
    close(t.expectedRetests, 60_000 * pos10, 1e-6);
    close(t.expectedControlled, t.expectedRetests, 1e-9);
    close(t.expectedPositiveTubes, 30 + 6000 * pos10 + 2 + 8.01, 1e-6);
    close(t.expectedTests, t.expectedTubes + t.expectedRetests, 1e-6);
    close(t.testsPerPerson, t.expectedTests / 64_001, 1e-12);
    // A partly filled last tube still counts as a tube.
    const odd = planRound(
      { areas: [{ areaId: 'x', name: 'x', population: 101, controlLevel: 'controlled' }], prevalence: p },
      policy,
    );
    assert.equal(odd.areas[0]!.expectedTubes, 11);
  });

  test('bad areas and prevalence are refused', () => {
    assert.equal(codeOf(() => planRound({ areas, prevalence: 0 }, policy)).option, 'prevalence');
    assert.equal(
      codeOf(() => planRound({ areas: [{ ...areas[0]!, population: -1 }], prevalence: 0.01 }, policy)).option,
      'areas[0].population',
    );
    assert.equal(
      codeOf(() => planRound({ areas: [areas[0]!, areas[0]!], prevalence: 0.01 }, policy)).option,
      'areas[1].areaId',
    );
    const unknown = { ...areas[0]!, controlLevel: 'lockdown' } as unknown as RoundArea;
    assert.equal(codeOf(() => planRound({ areas: [unknown], prevalence: 0.01 }, policy)).code, 'ADVISOR_INPUT_INVALID');
    assert.deepEqual(planRound({ areas: [], prevalence: 0.01 }, policy).totals.testsPerPerson, 0);
  });
});

describe('rules/pooling.json', () => {
  const good = JSON.parse(
    JSON.stringify({
      version: 'v',
      effectiveFrom: '2022-06-28',
      validatedPoolSizes: [5, 10, 20],
      anySizeRange: { min: 2, max: 32 },
      controlLevels: {
        sealed: { poolSize: 1, householdTube: true },
        controlled: { poolSize: 10, householdTube: false },
        prevention: { poolSize: 20, householdTube: false },
        quarantine_site: { poolSize: 1, householdTube: false },
        key_group: { poolSize: 1, householdTube: false },
      },
      dilution: { ctCutoff: 40, typicalPositiveCt: 35 },
    }),
  ) as PoolingPolicy;

  test('the shipped rule set loads with the mandated sizes and an effective date', () => {
    assert.match(policy.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(policy.validatedPoolSizes, [5, 10, 20]);
    assert.deepEqual(Object.fromEntries(Object.entries(policy.controlLevels).map(([k, v]) => [k, v.poolSize])), {
      sealed: 1,
      controlled: 10,
      prevention: 20,
      quarantine_site: 1,
      key_group: 1,
    });
    assert.deepEqual(parsePoolingPolicy(good).controlLevels.controlled, { poolSize: 10, householdTube: false });
  });

  test('a bad rule file is refused naming the field', () => {
    const broken = (change: (r: PoolingPolicy) => void) => {
      const r = structuredClone(good);
      change(r);
      return () => parsePoolingPolicy(r);
    };
    assert.throws(
      broken((r) => {
        r.effectiveFrom = '28/06/2022';
      }),
      /effectiveFrom/,
    );
    assert.throws(
      broken((r) => {
        Reflect.deleteProperty(r.controlLevels, 'key_group');
      }),
      /controlLevels\.key_group/,
    );
    assert.throws(
      broken((r) => {
        r.controlLevels.controlled.poolSize = 30;
      }),
      /controlLevels\.controlled\.poolSize/,
    );
    assert.throws(
      broken((r) => {
        Object.assign(r.controlLevels, { lockdown: { poolSize: 1, householdTube: false } });
      }),
      /controlLevels\.lockdown/,
    );
    assert.throws(
      broken((r) => {
        r.validatedPoolSizes = [5, 5];
      }),
      /validatedPoolSizes/,
    );
    assert.throws(
      broken((r) => {
        r.dilution.typicalPositiveCt = 40;
      }),
      /dilution\.typicalPositiveCt/,
    );
  });
});

describe('cordon pool-advisor', async () => {
  const { formatAdvice, runPoolAdvisor } = await import('../../src/testing/pooling.cli.ts');

  test('prints the table with the recommended row marked', () => {
    const text = formatAdvice(runPoolAdvisor({ prevalence: '0.01' }), 'en');
    assert.match(text, /^10 \*\s+0\.1956\s+0\.1623 \(4\)\s+0\.2174\s+1000\s+956\s+3\.32\s+yes$/m);
    assert.match(text, /^recommended: 10:1 — 0\.1956 tests per person/m);
    const high = formatAdvice(runPoolAdvisor({ prevalence: '0.4' }), 'en');
    assert.match(high, /^recommended: single tubes \(1:1\)/m);
    assert.match(high, /30\.7 %/);
  });

  test('bad input names the flag as typed', () => {
    for (const [raw, flag] of [
      [{}, '--prevalence'],
      [{ prevalence: '0.01', ctCutoff: '30' }, '--ct-cutoff'],
      [{ prevalence: '0.01', maxCtShift: '-2' }, '--max-ct-shift'],
    ] as const) {
      assert.deepEqual(
        codeOf(() => runPoolAdvisor(raw)),
        { code: 'ADVISOR_INPUT_INVALID', option: flag },
      );
    }
  });
});
