// Maximum likelihood with the library: estimates, standard errors from the expected and the
// observed information, Wald intervals and the three tests of a null hypothesis; a maximum on the
// boundary; and a small simulation of the MLE's variance against the Cramér–Rao bound.
// Run after `npm run build`:  node examples/fit.mjs
import { Rng, dataSampler, fit, fitText, parse } from '../dist/index.js';

// Counts, with a test of lambda = 3 (columns as plain arrays).
const counts = [3, 5, 2, 4, 1, 3, 6, 2, 4, 3, 2, 5, 3, 4, 1, 2, 3, 7, 4, 3];
const poisson = fit(parse('x ~ Poisson(lambda)'), { x: counts }, { null: { lambda: 3 } });
console.log(fitText(poisson, 'the counts').join('\n'));

// A dose–response logistic regression: the covariate is a `given`, rows as objects.
const rows = [
  [0.5, 0], [0.5, 0], [0.5, 1], [0.5, 0], [1, 0], [1, 1], [1, 0], [1, 0], [1.5, 1], [1.5, 0], [1.5, 1], [1.5, 0],
  [2, 1], [2, 1], [2, 0], [2, 1], [2.5, 1], [2.5, 1], [2.5, 1], [2.5, 0], [3, 1], [3, 1], [3, 1], [3, 1],
].map(([dose, y]) => ({ dose, y }));
const logistic = fit(parse('given dose in real; y ~ Bernoulli(sigmoid(a + b*dose))'), rows, { null: { b: 0 } });
console.log(`\n${fitText(logistic, 'the dose-response rows').join('\n')}`);

// All failures: the maximum is on the boundary p = 0, and no standard error is claimed.
const zeros = fit(parse('x ~ Bernoulli(p)'), { x: [0, 0, 0, 0, 0, 0] });
console.log(`\nall-zero Bernoulli data: status ${zeros.status}, p → ${zeros.limits.p}, standard errors ${JSON.stringify(zeros.stderr)}`);

// The MLE of an exponential rate over 2000 simulated data sets of each size: its variance over the
// Cramér–Rao bound λ²/n, against the exact n³/((n − 1)²(n − 2)).
const model = parse('x ~ Exponential(lambda)');
const lambda = 2;
const sampler = dataSampler(model, new Map([['lambda', lambda]]));
const rng = new Rng(2024);
const draw = new Float64Array(1);
console.log('\n     n   var(MLE)/CRB   exact');
for (const n of [10, 30, 100, 1000]) {
  const estimates = [];
  for (let r = 0; r < 2000; r++) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sampler.sample(rng, draw);
      x[i] = draw[0];
    }
    estimates.push(fit(model, { x }, { expected: false }).estimate[0]);
  }
  const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
  const variance = estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (estimates.length - 1);
  const exact = n ** 3 / ((n - 1) ** 2 * (n - 2));
  console.log(`${String(n).padStart(6)}   ${(variance / (lambda ** 2 / n)).toFixed(3).padStart(12)}   ${exact.toFixed(3)}`);
}
