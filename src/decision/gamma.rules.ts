// The gamma distribution's functions the estimator needs, pure: the log-gamma function (Lanczos), the
// regularised lower incomplete gamma P(a, x) (series below a + 1, Lentz's continued fraction above,
// as in Numerical Recipes §6.2), its inverse (the quantile; Halley's method from the Wilson–Hilferty
// start, bracketed by bisection so it never leaves (0, ∞)), and seeded samplers (Marsaglia–Tsang gamma,
// Poisson) for the projections. Tested against R's qgamma/pgamma values in test/unit/decision.gamma.test.ts.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** The regularised lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), a > 0. */
export function lowerRegularizedGamma(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError('shape must be positive');
  if (x <= 0) return 0;
  if (!Number.isFinite(x)) return 1;
  const lead = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(lead));
  }
  // Continued fraction for Q(a, x), modified Lentz.
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.max(0, 1 - Math.exp(lead) * h);
}

/** The gamma distribution's cumulative probability at x, by shape and scale (R's pgamma(x, shape, scale=)). */
export function gammaCdf(x: number, shape: number, scale: number): number {
  return lowerRegularizedGamma(shape, x / scale);
}

/** The inverse of P(a, ·): the x with P(a, x) = p. */
export function inverseLowerRegularizedGamma(a: number, p: number): number {
  if (!(a > 0)) throw new RangeError('shape must be positive');
  if (!(p >= 0 && p <= 1)) throw new RangeError('probability must be in [0, 1]');
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Start: Wilson–Hilferty for a > 1, the small-x series inverse otherwise (Numerical Recipes invgammp).
  let x: number;
  const gln = logGamma(a);
  if (a > 1) {
    const pp = p < 0.5 ? p : 1 - p;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (p < 0.5) z = -z;
    x = Math.max(1e-3, a * Math.pow(1 - 1 / (9 * a) - z / (3 * Math.sqrt(a)), 3));
  } else {
    const t = 1 - a * (0.253 + a * 0.12);
    x = p < t ? Math.pow(p / t, 1 / a) : 1 - Math.log(1 - (p - t) / (1 - t));
  }
  let lo = 0;
  let hi = Infinity;
  const a1 = a - 1;
  const lna1 = a > 1 ? Math.log(a1) : 0;
  const afac = a > 1 ? Math.exp(a1 * (lna1 - 1) - gln) : 0;
  for (let j = 0; j < 200; j++) {
    const err = lowerRegularizedGamma(a, x) - p;
    if (err > 0) hi = Math.min(hi, x);
    else lo = Math.max(lo, x);
    if (err === 0) return x;
    const density =
      a > 1 ? afac * Math.exp(-(x - a1) + a1 * (Math.log(x) - lna1)) : Math.exp(-x + a1 * Math.log(x) - gln);
    let next: number;
    if (density > 0 && Number.isFinite(density)) {
      const u = err / density;
      const step = u / (1 - 0.5 * Math.min(1, u * (a1 / x - 1)));
      next = x - step;
    } else next = NaN;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : Math.max(2 * x, lo * 2 + 1);
    if (Math.abs(next - x) <= 1e-14 * next) return next;
    x = next;
  }
  return x;
}

/** The gamma distribution's quantile (R's qgamma(p, shape, scale=)). */
export function gammaQuantile(p: number, shape: number, scale: number): number {
  return inverseLowerRegularizedGamma(shape, p) * scale;
}

/** A seeded uniform generator on [0, 1) (mulberry32): the same seed gives the same trajectories. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A gamma draw (Marsaglia–Tsang; shape < 1 by the u^(1/a) boost). */
export function sampleGamma(random: () => number, shape: number, scale: number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = random();
    return sampleGamma(random, shape + 1, scale) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/** A Poisson draw: by multiplication below a mean of 30, else through a gamma–binomial split (exact). */
export function samplePoisson(random: () => number, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < 30) {
    const limit = Math.exp(-mean);
    let k = 0;
    let prod = random();
    while (prod > limit) {
      k++;
      prod *= random();
    }
    return k;
  }
  // Ahrens–Dieter: the m-th arrival time of a unit-rate process is Gamma(m, 1).
  const m = Math.floor(0.875 * mean);
  const g = sampleGamma(random, m, 1);
  if (g > mean) return sampleBinomial(random, m - 1, mean / g);
  return m + samplePoisson(random, mean - g);
}

function sampleBinomial(random: () => number, n: number, p: number): number {
  if (n <= 0) return 0;
  if (n < 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k++;
    return k;
  }
  // Beta split (exact): the median order statistic of n uniforms is Beta(i, n + 1 - i).
  const i = Math.floor((n + 1) / 2);
  const ga = sampleGamma(random, i, 1);
  const gb = sampleGamma(random, n + 1 - i, 1);
  const b = ga / (ga + gb);
  if (b <= p) return i + sampleBinomial(random, n - i, (p - b) / (1 - b));
  return sampleBinomial(random, i - 1, p / b);
}
