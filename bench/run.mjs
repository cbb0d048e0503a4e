// npm run bench: speed as ratios against baselines measured in the same run.
// Prints a table and writes bench/results.json (one entry per workload).
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as fl from '../dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Median wall time (ms) of fn over `reps` runs after `warm` warm-up runs. */
function median(fn, { reps = 200, warm = 50 } = {}) {
  for (let i = 0; i < warm; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return t[Math.floor(t.length / 2)];
}

function processMedian(args, reps) {
  const t = [];
  for (let i = 0; i < reps; i++) {
    const a = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    t.push(performance.now() - a);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
  t.sort((x, y) => x - y);
  return t[Math.floor(t.length / 2)];
}

const results = [];
function record(name, description, median_ms, baseline, baseline_median_ms, extra = {}) {
  results.push({ name, description, median_ms, baseline, baseline_median_ms, ratio: median_ms / baseline_median_ms, ...extra });
}

// W1: derive the Hessian (parse, differentiate twice, simplify under the domains), warm.
// Baseline: parsing the same model text alone, the floor any engine pays to read its input.
const W1 = {
  'W1-normal': 'x ~ Normal(mu, sigma)',
  'W1-gamma': 'x ~ Gamma(a, b)',
  'W1-beta': 'x ~ Beta(a, b)',
};
for (const [name, text] of Object.entries(W1)) {
  const derive = () => fl.hessian(fl.parse(text));
  const parseOnly = () => fl.parse(text);
  const m = median(derive);
  const b = median(parseOnly);
  record(name, `Hessian of ${text}: parse + derive + simplify (budget 2 ms)`, m, 'parse the same text', b, { budget_ms: 2 });
}

// Fisher information in closed form (the method ladder, with the normalisation check), warm.
// Baseline: parsing the same model text alone. Budget 5 ms (SymPy: 30–160 ms).
const F = {
  'fisher-normal': 'x ~ Normal(mu, sigma)',
  'fisher-gamma': 'x ~ Gamma(a, b)',
  'fisher-beta': 'x ~ Beta(a, b)',
  // Written out by hand, so the normalisation check (one quadrature) runs too.
  'fisher-normal-logp': 'data x in real; param mu; param sigma in positive; logp = -log(sigma) - log(2*pi)/2 - (x - mu)^2/(2*sigma^2)',
};
for (const [name, text] of Object.entries(F)) {
  const derive = () => fl.fisher(fl.parse(text));
  const m = median(derive, { reps: 100, warm: 20 });
  const b = median(() => fl.parse(text));
  record(name, `Fisher matrix of ${text}: parse + ladder + simplify (budget 5 ms)`, m, 'parse the same text', b, { budget_ms: 5 });
}

// W4: the Fisher matrix of Gamma(2.5, rate 1.5) from 10^6 draws, both estimators with standard
// errors, in this thread. Baseline: a hand-written inlined loop (xoshiro128**, Marsaglia–Tsang,
// the score written out) doing the same sums.
{
  const N = 1_000_000;
  const model = fl.parse('x ~ Gamma(a, b)');
  const at = new Map([['a', 2.5], ['b', 1.5]]);
  const ours = () => fl.monteCarloFisher(model, at, { n: N, seed: 7 });
  const baseline = () => handWrittenGammaFisher(N, 2.5, 1.5, 7);
  const m = median(ours, { reps: 5, warm: 1 });
  const b = median(baseline, { reps: 5, warm: 1 });
  record('W4-mc-gamma', 'Monte Carlo Fisher of Gamma(2.5, rate 1.5), 10^6 draws, one thread (target: within 1.2x)', m, 'hand-written inlined loop', b, { draws: N });
}

function handWrittenGammaFisher(n, alpha, beta, seed) {
  // xoshiro128** seeded by splitmix32.
  let x = seed >>> 0;
  const sm = () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = sm(), s1 = sm(), s2 = sm(), s3 = sm();
  const next = () => {
    const r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
    return r;
  };
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
  let spare = NaN;
  const normal = () => {
    if (spare === spare) { const v = spare; spare = NaN; return v; }
    let u, v, q;
    do { u = 2 * uniform() - 1; v = 2 * uniform() - 1; q = u * u + v * v; } while (q >= 1 || q === 0);
    const f = Math.sqrt(-2 * Math.log(q) / q);
    spare = v * f;
    return u * f;
  };
  const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
  const digammaA = 0.7031566406452432; // psi(2.5)
  const logB = Math.log(beta);
  let a11 = 0, a12 = 0, a22 = 0, q11 = 0, q12 = 0, q22 = 0;
  for (let i = 0; i < n; i++) {
    let g;
    for (;;) {
      let z, v;
      do { z = normal(); v = 1 + c * z; } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * z * z * z * z || Math.log(u) < 0.5 * z * z + d * (1 - v + Math.log(v))) { g = d * v; break; }
    }
    const xv = g / beta;
    const sA = logB + Math.log(xv) - digammaA;
    const sB = alpha / beta - xv;
    const o11 = sA * sA, o12 = sA * sB, o22 = sB * sB;
    a11 += o11; a12 += o12; a22 += o22;
    q11 += o11 * o11; q12 += o12 * o12; q22 += o22 * o22;
  }
  // The negative Hessian of the Gamma does not depend on x: its mean is exact.
  return [a11 / n, a12 / n, a22 / n, q11, q12, q22];
}

// W2: the score (2 entries) and the Hessian (3 distinct entries) of Normal(mu, sigma) at 10^6 points,
// x, mu and sigma all varying per point, held as Float64Array columns: the symbolic derivatives
// compiled into one generated loop over the rows (compileColumns). Baseline: a hand-written
// closed-form loop over the same arrays (target: within 1.5x). For context, not a ratio: forward
// mode (hessianForward, dual numbers) and reverse mode (one tape reused: forward, vjp, two hvp) per
// point on the same derivatives, in microseconds.
{
  const N = 1_000_000;
  const m = fl.parse('x ~ Normal(mu, sigma)');
  const s = fl.score(m);
  const h = fl.hessian(m);
  const kernel = fl.compileColumns([s[0], s[1], h[0][0], h[0][1], h[1][1]], ['x', 'mu', 'sigma']);
  const rng = new fl.Rng(2);
  const X = new Float64Array(N);
  const MU = new Float64Array(N);
  const SG = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    MU[i] = 2 * rng.uniform() - 1;
    SG[i] = 0.5 + 2 * rng.uniform();
    X[i] = MU[i] + SG[i] * rng.normal();
  }
  const out = Array.from({ length: 5 }, () => new Float64Array(N));
  const base = Array.from({ length: 5 }, () => new Float64Array(N));
  const ours = () => kernel.map([X, MU, SG], [], out);
  const baseline = () => handWrittenNormalDerivatives(X, MU, SG, base);
  ours();
  baseline();
  for (let k = 0; k < 5; k++) {
    for (let i = 0; i < N; i++) {
      if (!(Math.abs(out[k][i] - base[k][i]) <= 1e-9 * (1 + Math.abs(base[k][i])) / SG[i] ** 4)) throw new Error(`W2: entry ${k} at row ${i} is ${out[k][i]}, the closed form gives ${base[k][i]}`);
    }
  }
  // Measured in turns (one run of each per round), so that a busy machine slows both alike.
  const tOurs = [];
  const tBase = [];
  for (let r = 0; r < 24; r++) {
    for (const [fn, t] of [[ours, tOurs], [baseline, tBase]]) {
      const a = performance.now();
      fn();
      if (r >= 3) t.push(performance.now() - a);
    }
  }
  const mid = (t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
  const mOurs = mid(tOurs);
  const mBase = mid(tBase);

  // Context: per-point costs of the AD modes on 10^4 of the same points.
  const P = 10_000;
  const vars = ['mu', 'sigma'];
  const perPoint = (fn) => (median(fn, { reps: 5, warm: 1 }) * 1000) / P;
  const env = new Map();
  const forwardMode = () => {
    for (let i = 0; i < P; i++) {
      env.set('x', X[i]).set('mu', MU[i]).set('sigma', SG[i]);
      fl.hessianForward(m.logp, vars, env);
    }
  };
  const tape = fl.Tape.record([m.logp], ['mu', 'sigma', 'x'], { wrt: vars });
  const point = new Float64Array(3);
  const [one, e1, e2] = [[1], [1, 0], [0, 1]];
  const reverseMode = () => {
    for (let i = 0; i < P; i++) {
      point[0] = MU[i];
      point[1] = SG[i];
      point[2] = X[i];
      tape.forward(point);
      tape.vjp(one);
      tape.hvp(e1);
      tape.hvp(e2);
    }
  };
  record('W2', 'score (2) + Hessian (3 entries) of Normal(mu, sigma) at 10^6 points (x, mu, sigma columns), compiled (target: within 1.5x)', mOurs, 'hand-written closed-form loop', mBase, {
    points: N,
    forward_mode_us_per_point: perPoint(forwardMode),
    reverse_mode_tape_us_per_point: perPoint(reverseMode),
    compiled_us_per_point: (mOurs * 1000) / N,
  });
}

function handWrittenNormalDerivatives(x, mu, sigma, o) {
  const [o0, o1, o2, o3, o4] = o;
  for (let i = 0; i < x.length; i++) {
    const z = x[i] - mu[i];
    const is = 1 / sigma[i];
    const is2 = is * is;
    const z2 = z * z;
    o0[i] = z * is2;
    o1[i] = z2 * is2 * is - is;
    o2[i] = -is2;
    o3[i] = -2 * z * is2 * is;
    o4[i] = is2 - 3 * z2 * is2 * is2;
  }
}

// The statistics verbs (expfamily, reparam, jeffreys, crb), warm. Baseline: the Fisher matrix of
// the same model by the ladder, which each of them computes first: the ratio is the cost of the
// statistics on top of it (separation, solving for θ(η), determinants and inverses, properness).
{
  const S = [
    ['stats-expfamily-normal', 'expfamily of Normal(mu, sigma): η, T, A(θ), A(η), E[T], Cov[T], its inverse, Jᵀ Cov J', 'x ~ Normal(mu, sigma)', (m) => fl.expfamily(m)],
    ['stats-reparam-odds', "reparam of Binomial(n, theta) by theta = phi/(1+phi), with Jᵀ F J checked", 'const n = 10; x ~ Binomial(n, theta)', (m) => fl.reparam(m, 'theta = phi/(1+phi)')],
    ['stats-jeffreys-categorical', 'Jeffreys prior of Categorical(p1, p2): Dirichlet(1/2, 1/2, 1/2), normalised', 'y1, y2 ~ Categorical(p1, p2)', (m) => fl.jeffreys(m)],
    ['stats-crb-gamma', 'Cramér–Rao bound of Gamma(a, b) and of its mean a/b', 'x ~ Gamma(a, b)', (m) => fl.crb(m, { target: 'a/b' })],
  ];
  for (const [name, description, text, run] of S) {
    const m = median(() => run(fl.parse(text)), { reps: 30, warm: 5 });
    const b = median(() => fl.fisher(fl.parse(text)), { reps: 30, warm: 5 });
    record(name, description, m, 'the ladder on the same model', b);
  }
}

// fit: the maximum-likelihood estimate of Weibull(k, lambda) from 10^5 rows, with both
// informations' standard errors, warm (the model's kernels compiled once). Baseline: a hand-written
// Newton–Raphson on (k, lambda) over the same Float64Array, the log-density, score and Hessian
// written out, a pass for the derivatives and one per line-search trial, to the same tolerance.
{
  const n = 100_000;
  const rng = new fl.Rng(99);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 120 * (-Math.log(1 - rng.uniform())) ** (1 / 1.8);
  const model = fl.parse('x ~ Weibull(k, lambda)');
  let engine;
  const m = median(() => (engine = fl.fit(model, { x })), { reps: 15, warm: 3 });
  let hand;
  const b = median(() => (hand = handWrittenWeibullMle(x)), { reps: 15, warm: 3 });
  if (!engine.converged || Math.abs(engine.estimate[0] - hand[0]) > 1e-8 * hand[0]) throw new Error(`fit and the hand-written Newton disagree: ${engine.estimate} vs ${hand}`);
  record('fit-weibull-1e5', 'fit Weibull(k, lambda) to 10^5 rows: moments start, Newton + line search, expected and observed standard errors', m, 'hand-written Newton on (k, lambda) over the same array', b, { iterations: engine.iterations });
}

function handWrittenWeibullMle(x) {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let k = 1;
  let lam = mean;
  const loglik = (kk, ll) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = x[i] / ll;
      s += Math.log(kk / ll) + (kk - 1) * Math.log(z) - z ** kk;
    }
    return s;
  };
  let l0 = loglik(k, lam);
  for (let it = 0; it < 100; it++) {
    let g1 = 0, g2 = 0, h11 = 0, h12 = 0, h22 = 0;
    for (let i = 0; i < n; i++) {
      const lz = Math.log(x[i] / lam);
      const zk = Math.exp(k * lz);
      g1 += 1 / k + lz - zk * lz;
      g2 += (k / lam) * (zk - 1);
      h11 += -1 / (k * k) - zk * lz * lz;
      h12 += ((zk - 1) + k * zk * lz) / lam;
      h22 += (k / (lam * lam)) * (1 - (k + 1) * zk);
    }
    const det = h11 * h22 - h12 * h12;
    const d1 = -(h22 * g1 - h12 * g2) / det;
    const d2 = -(-h12 * g1 + h11 * g2) / det;
    const dec = g1 * d1 + g2 * d2;
    let t = 1;
    let l1;
    while (!(k + t * d1 > 0 && lam + t * d2 > 0 && (l1 = loglik(k + t * d1, lam + t * d2)) >= l0)) t /= 2;
    k += t * d1;
    lam += t * d2;
    l0 = l1;
    if (dec < 1e-12) break;
  }
  return [k, lam];
}

// W3: logistic regression, d = 100, n = 10,000 seeded synthetic rows, the vector model
// `given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))`: value and
// gradient by the vector reverse mode (generated sweeps). Ratios: gradient / value in the same run
// (target ≤ 2.5), and gradient against a hand-written JavaScript loop over the same Float64Arrays
// (target ≤ 1.5), both measured in turns. Memory: the peak heap over 100 gradient sweeps (10^6 rows),
// and the heap growth per row of one sweep after a full collection (0 when nothing is allocated per row).
// W5: the empirical (Σ s sᵀ) and expected (XᵀWX) Fisher of the same model with d = 50, by the
// blocked Gram kernels, against a hand-written naive triple loop (target ≤ 1.5).
{
  const logistic = (d) => fl.parse(`const d = ${d}; given z in real[d]; param beta in real[d]; y ~ Bernoulli(sigmoid(dot(z, beta)))`);
  const synthetic = (model, n, d, seed) => {
    const rng = new fl.Rng(seed);
    const truth = Float64Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
    const z = new Float64Array(n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let k = 0; k < d; k++) eta += (z[i * d + k] = rng.normal()) * truth[k];
      y[i] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const theta = truth.map((b, k) => 0.8 * b + 0.01 * Math.cos(k));
    return { data: fl.dataSet(model, { y, z }), theta };
  };
  // Medians of several functions measured in turns (one run of each per round), so that a busy
  // machine slows them alike.
  const interleaved = (fns, { reps, warm }) => {
    const times = fns.map(() => []);
    for (let r = 0; r < warm + reps; r++) {
      fns.forEach((f, i) => {
        const a = performance.now();
        f();
        if (r >= warm) times[i].push(performance.now() - a);
      });
    }
    return times.map((t) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]);
  };
  const close = (a, b, what) => {
    for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-9 * (1 + Math.abs(b[i])))) throw new Error(`${what}: entry ${i} is ${a[i]}, the hand-written loop gives ${b[i]}`);
  };

  const n = 10_000;
  const d = 100;
  const model = logistic(d);
  const { data, theta } = synthetic(model, n, d, 2024);
  const Z = data.columns.get('z');
  const Y = data.columns.get('y');
  const engine = fl.vectorEngine(model);
  const g = new Float64Array(d);
  const hg = new Float64Array(d);
  close([engine.gradient(data, theta, g).value, ...g], [handLogisticGradient(Z, Y, theta, hg, n, d), ...hg], 'W3 gradient');
  const [value, gradient, hand] = interleaved([() => engine.value(data, theta), () => engine.gradient(data, theta, g), () => handLogisticGradient(Z, Y, theta, hg, n, d)], { reps: 100, warm: 20 });

  // Memory: heap growth over one sweep of 10^4 rows, right after a full collection (so that no
  // collection interrupts the count); one boxed number per row would show as 16 bytes per row.
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const growthPerRow = (f) => {
    const g = [];
    for (let c = 0; c < 21; c++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      f();
      g.push((process.memoryUsage().heapUsed - before) / n);
    }
    return g.sort((x, y) => x - y)[10];
  };
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  for (let c = 0; c < 100; c++) {
    engine.gradient(data, theta, g);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const memory = {
    data_mb: (Z.byteLength + Y.byteLength) / 2 ** 20,
    heap_before_mb: base / 2 ** 20,
    peak_heap_mb: peak / 2 ** 20,
    peak_heap_delta_mb: (peak - base) / 2 ** 20,
    heap_bytes_per_row_gradient: growthPerRow(() => engine.gradient(data, theta, g)),
    heap_bytes_per_row_value: growthPerRow(() => engine.value(data, theta)),
    heap_bytes_per_row_hand_written: growthPerRow(() => handLogisticGradient(Z, Y, theta, hg, n, d)),
    tape_entries: engine.size,
  };
  record('W3-logistic-value', `logistic regression d = ${d}, n = ${n}: Σ log p by the vector reverse mode's value sweep`, value, 'hand-written value + gradient loop', hand);
  record('W3-logistic-gradient', `logistic regression d = ${d}, n = ${n}: value + gradient by vector reverse mode (target: ≤ 1.5x hand-written, ≤ 2.5x the value sweep)`, gradient, 'hand-written value + gradient loop', hand, {
    gradient_over_value: gradient / value,
    ...memory,
  });

  const d5 = 50;
  const model5 = logistic(d5);
  const w5 = synthetic(model5, n, d5, 5);
  const Z5 = w5.data.columns.get('z');
  const Y5 = w5.data.columns.get('y');
  const F = new Float64Array(d5 * d5);
  close(fl.dataMatrix(model5, w5.data, w5.theta, 'empirical'), naiveLogisticFisher(Z5, Y5, w5.theta, n, d5, F, 'empirical'), 'W5 empirical');
  close(fl.dataMatrix(model5, w5.data, w5.theta, 'expected'), naiveLogisticFisher(Z5, Y5, w5.theta, n, d5, F, 'expected'), 'W5 expected');
  for (const quantity of ['empirical', 'expected']) {
    const [ours, naive] = interleaved([() => fl.dataMatrix(model5, w5.data, w5.theta, quantity), () => naiveLogisticFisher(Z5, Y5, w5.theta, n, d5, F, quantity)], { reps: 40, warm: 8 });
    const what = quantity === 'empirical' ? 'empirical Fisher Σ (y − σ)² z zᵀ' : 'expected Fisher XᵀWX, W = σ(1 − σ) (from the ladder on the reduced model)';
    record(`W5-logistic-${quantity}`, `logistic regression d = ${d5}, n = ${n}: ${what}, blocked 4x4 tiles (target: ≤ 1.5x the naive loop)`, ours, 'hand-written naive triple loop', naive);
  }
}

/** Σ_i log p and its gradient Σ_i (y_i − σ(η_i)) z_i, written out; returns the log-likelihood. */
function handLogisticGradient(Z, Y, beta, g, n, d) {
  g.fill(0);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let eta = 0;
    for (let k = 0; k < d; k++) eta += Z[o + k] * beta[k];
    // y η − log(1 + e^η), without overflow
    ll += Y[i] * eta - (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));
    const r = Y[i] - 1 / (1 + Math.exp(-eta));
    for (let k = 0; k < d; k++) g[k] += r * Z[o + k];
  }
  return ll;
}

/** Σ_i w_i z_i z_iᵀ by the naive triple loop, w = (y − σ)² (empirical) or σ(1 − σ) (expected). */
function naiveLogisticFisher(Z, Y, beta, n, d, F, quantity) {
  F.fill(0);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let eta = 0;
    for (let k = 0; k < d; k++) eta += Z[o + k] * beta[k];
    const s = 1 / (1 + Math.exp(-eta));
    const w = quantity === 'empirical' ? (Y[i] - s) * (Y[i] - s) : s * (1 - s);
    for (let j = 0; j < d; j++) {
      const a = w * Z[o + j];
      for (let k = 0; k < d; k++) F[j * d + k] += a * Z[o + k];
    }
  }
  return F;
}

// Geometry, warm. KL(p1 ‖ p2) of Gamma(k, b) in closed form: baseline the Fisher matrix of the same
// model by the ladder (the same linearisation and moments). The Fisher–Rao distance of Gamma(k, b)
// by geodesic shooting: baseline a hand-written shooting with the metric and its derivatives written
// out (trigamma and polygamma(2) kernels), the same RK4 steps, Newton iterations and Simpson length.
{
  const text = 'x ~ Gamma(k, b)';
  const m = median(() => fl.klDivergence(fl.parse(text)), { reps: 30, warm: 5 });
  const b = median(() => fl.fisher(fl.parse(text)), { reps: 30, warm: 5 });
  record('geometry-kl-gamma', 'KL(p1 ‖ p2) of Gamma(k, b) in closed form, symbolic in both points (Bregman, by the score identity)', m, 'the ladder on the same model', b);
  const model = fl.parse(text);
  const [from, to] = [new Map([['k', 1], ['b', 1]]), new Map([['k', 3], ['b', 2]])];
  let engine;
  const ms = median(() => (engine = fl.fisherRaoDistance(model, { from, to }).value), { reps: 10, warm: 2 });
  let hand;
  const bs = median(() => (hand = handWrittenGammaGeodesic([1, 1], [3, 2])), { reps: 10, warm: 2 });
  if (Math.abs(engine - hand) > 1e-8 * hand) throw new Error(`shooting and the hand-written geodesic disagree: ${engine} vs ${hand}`);
  record('geometry-distance-gamma', 'Fisher–Rao distance of Gamma(k, b) from (1, 1) to (3, 2) by geodesic shooting (derive F, compile F and ∂F, RK4 + Newton)', ms, 'hand-written shooting with the metric written out', bs);
}

/** Geodesic shooting for the Gamma metric g = [[ψ1(k), −1/b], [−1/b, k/b²]], written out. */
function handWrittenGammaGeodesic(a, target) {
  const psi1 = fl.FUNCTIONS.get('trigamma').eval;
  const poly = fl.FUNCTIONS.get('polygamma').eval;
  const accel = (k, b, vk, vb) => {
    const g11 = psi1(k), g12 = -1 / b, g22 = k / (b * b);
    // ∂_k g = [[ψ2(k), 0], [0, 1/b²]], ∂_b g = [[0, 1/b²], [1/b², −2k/b³]]; c_l = −Σ Γ_l,ij v^i v^j.
    const d1 = poly(2, k), ib2 = 1 / (b * b), db22 = (-2 * k) / (b * b * b);
    const c1 = -(0.5 * d1 * vk * vk + 0.5 * ib2 * vb * vb);
    const c2 = -(ib2 * vk * vb + 0.5 * db22 * vb * vb);
    const det = g11 * g22 - g12 * g12;
    return [(g22 * c1 - g12 * c2) / det, (g11 * c2 - g12 * c1) / det];
  };
  const run = (v, steps, keep) => {
    let [k, b, vk, vb] = [a[0], a[1], v[0], v[1]];
    const h = 1 / steps;
    const speed = [];
    const sp = () => Math.sqrt(psi1(k) * vk * vk - (2 * vk * vb) / b + (k * vb * vb) / (b * b));
    if (keep) speed.push(sp());
    for (let s = 0; s < steps; s++) {
      const f = (y) => [y[2], y[3], ...accel(y[0], y[1], y[2], y[3])];
      const y0 = [k, b, vk, vb];
      const k1 = f(y0);
      const k2 = f(y0.map((x, i) => x + (h / 2) * k1[i]));
      const k3 = f(y0.map((x, i) => x + (h / 2) * k2[i]));
      const k4 = f(y0.map((x, i) => x + h * k3[i]));
      [k, b, vk, vb] = y0.map((x, i) => x + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
      if (keep) speed.push(sp());
    }
    return { end: [k, b], speed };
  };
  const solveFor = (v, steps) => {
    for (let it = 0; it < 30; it++) {
      const r = run(v, steps, false).end.map((x, i) => x - target[i]);
      if (Math.hypot(...r) < 1e-11 * Math.hypot(target[0] - a[0], target[1] - a[1])) return v;
      const J = [0, 1].map((j) => {
        const vj = [...v];
        vj[j] += 1e-7 * Math.max(1, Math.abs(v[j]));
        return run(vj, steps, false).end.map((x, i) => (x - target[i] - r[i]) / (vj[j] - v[j]));
      });
      const det = J[0][0] * J[1][1] - J[1][0] * J[0][1];
      v = [v[0] - (J[1][1] * r[0] - J[1][0] * r[1]) / det, v[1] - (J[0][0] * r[1] - J[0][1] * r[0]) / det];
    }
    return v;
  };
  const v = solveFor(solveFor([target[0] - a[0], target[1] - a[1]], 64), 128);
  const { speed } = run(v, 128, true);
  let sum = speed[0] + speed[128];
  for (let i = 1; i < 128; i++) sum += (i % 2 ? 4 : 2) * speed[i];
  return sum / (3 * 128);
}

// Cold start of the CLI: a whole process, against `node -e 0` in the same run.
const reps = Number(process.env.BENCH_PROCESS_REPS ?? 15);
const cli = processMedian(['bin/fisherlab.js', 'hessian', 'x ~ Normal(mu, sigma)'], reps);
const node0 = processMedian(['-e', '0'], reps);
record('cli-cold-start', "fisherlab hessian 'x ~ Normal(mu, sigma)', whole process (budget 350 ms)", cli, 'node -e 0', node0, { budget_ms: 350 });
// Loading the command alone (the bundles compiled and their top-level code run), no derivation.
const version = processMedian(['bin/fisherlab.js', '--version'], reps);
record('cli-cold-version', 'fisherlab --version, whole process: the cost of loading the command', version, 'node -e 0', node0);

// Install footprint: the packed tarball installed into an empty project (offline, in a scratch npm
// cache: there is nothing to fetch), against what the packages bundled into dist/ would install if
// they were listed as dependencies instead (their closure in package-lock.json, sized on disk).
const install = installFootprint();

function installFootprint() {
  const work = mkdtempSync(join(tmpdir(), 'fisherlab-bench-'));
  try {
    const env = { ...process.env, npm_config_cache: join(work, 'cache'), npm_config_offline: 'true', npm_config_update_notifier: 'false' };
    const npm = (args, cwd) => {
      const cli = process.env.npm_execpath;
      const [cmd, pre] = cli !== undefined && /npm-cli\.c?js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
      const r = spawnSync(cmd, [...pre, ...args], { cwd, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root))[0];
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    npm(['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], app);
    const installed = packageDirs(join(app, 'node_modules'));
    return {
      tarball_bytes: packed.size,
      unpacked_bytes: packed.unpackedSize,
      files: packed.files.length,
      installed_packages: installed.length,
      installed_bytes: installed.reduce((s, d) => s + dirBytes(d), 0),
      installed_disk_bytes: installed.reduce((s, d) => s + dirBytes(d, true), 0),
      ...asDependencies(),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Package directories under a node_modules folder, nested ones included. */
function packageDirs(nm) {
  if (!existsSync(nm)) return [];
  const out = [];
  for (const name of readdirSync(nm)) {
    if (name.startsWith('.')) continue;
    const dirs = name.startsWith('@') ? readdirSync(join(nm, name)).map((n) => join(nm, name, n)) : [join(nm, name)];
    for (const d of dirs) out.push(d, ...packageDirs(join(d, 'node_modules')));
  }
  return out;
}

/** Bytes of the files of a package directory, its own node_modules excluded (with `disk`: the
 * blocks they occupy, as `du` counts them, folders included). */
function dirBytes(dir, disk = false) {
  let n = disk ? lstatSync(dir).blocks * 512 : 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) n += name === 'node_modules' ? 0 : dirBytes(p, disk);
    else if (st.isFile()) n += disk ? st.blocks * 512 : st.size;
  }
  return n;
}

/** The install the bundled packages would cause as dependencies: their closure in the lock file. */
function asDependencies() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const dev = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies);
  const notices = readFileSync(join(root, 'dist/THIRD_PARTY_LICENSES.md'), 'utf8');
  const bundled = new Set([...notices.matchAll(/(?:^## |, )(@?[^@\s,]+)@[^\s,]+ \(/gm)].map((m) => m[1]));
  // Lock-file keys nest as a/node_modules/b; step out one level at a time (a key, not a path).
  const nested = ['', 'node_modules', ''].join('/');
  const resolve = (from, name) => {
    for (let base = from; ; base = base.slice(0, base.lastIndexOf(nested))) {
      const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (lock[key] !== undefined) return key;
      if (base === '') return undefined;
    }
  };
  const direct = dev.filter((d) => bundled.has(d));
  const seen = new Set();
  const stack = direct.map((d) => `node_modules/${d}`);
  while (stack.length > 0) {
    const key = stack.pop();
    if (seen.has(key)) continue;
    seen.add(key);
    for (const dep of Object.keys({ ...lock[key].dependencies, ...lock[key].optionalDependencies })) {
      const k = resolve(key, dep);
      if (k !== undefined) stack.push(k);
    }
  }
  return {
    as_dependencies: direct,
    as_dependencies_packages: seen.size,
    as_dependencies_bytes: [...seen].reduce((s, k) => s + dirBytes(join(root, k)), 0),
    as_dependencies_disk_bytes: [...seen].reduce((s, k) => s + dirBytes(join(root, k), true), 0),
  };
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('workload', 20)}${pad('median ms', 12)}${pad('baseline', 22)}${pad('baseline ms', 13)}ratio`);
for (const r of results) {
  console.log(`${pad(r.name, 20)}${pad(r.median_ms.toFixed(3), 12)}${pad(r.baseline, 22)}${pad(r.baseline_median_ms.toFixed(3), 13)}${r.ratio.toFixed(2)}`);
}
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
console.log(`\npackage: tarball ${mb(install.tarball_bytes)}, unpacked ${mb(install.unpacked_bytes)} (${install.files} files)`);
console.log(`installed into an empty project: ${install.installed_packages} package(s), ${mb(install.installed_bytes)} (${mb(install.installed_disk_bytes)} on disk)`);
console.log(`its ${install.as_dependencies.length} bundled runtime packages, listed as dependencies instead, would add ${install.as_dependencies_packages} packages, ${mb(install.as_dependencies_bytes)} (${mb(install.as_dependencies_disk_bytes)} on disk)`);
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), workloads: results, install }, null, 2)}\n`);
