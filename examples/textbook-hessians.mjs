// Score and Hessian of a few textbook families, printed as text and checked at a point against
// central finite differences of the log-density (the engine's own oracle: two derivative modes).
// Run after `npm run build`:  node examples/textbook-hessians.mjs
import { evaluate, hessian, parse, printExpr, printMatrix, score } from '../dist/index.js';

const models = {
  'Normal(mu, sigma)': ['x ~ Normal(mu, sigma)', { x: 1.3, mu: 0.3, sigma: 1.7 }],
  'Gamma(alpha, beta) shape-rate': ['x ~ Gamma(alpha, beta)', { x: 2.0, alpha: 3.0, beta: 0.5 }],
  'Beta(a, b)': ['x ~ Beta(a, b)', { x: 0.3, a: 2.0, b: 5.0 }],
  'Student t, nu = 4': ['x ~ StudentT(4, mu, sigma)', { x: 0.8, mu: 0.1, sigma: 2.0 }],
  'Weibull(k, lambda)': ['x ~ Weibull(k, lambda)', { x: 1.1, k: 1.5, lambda: 2.0 }],
  'Logistic regression': ['data y in {0,1}; given z in real; param b0; param b1; logp = y*(b0 + b1*z) - log(1 + exp(b0 + b1*z))', { y: 1, z: 0.5, b0: 0.1, b1: -0.3 }],
};

for (const [title, [text, point]] of Object.entries(models)) {
  const m = parse(text);
  const names = m.params.map((p) => p.name);
  const s = score(m);
  const h = hessian(m);
  console.log(`\n${title}: ${text}`);
  console.log(`  score   = [${s.map(printExpr).join(', ')}]`);
  console.log(`  hessian = ${printMatrix(h)}`);
  // Finite-difference check of the Hessian at the point.
  let worst = 0;
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < names.length; j++) {
      const step = 1e-5 * Math.max(1, Math.abs(point[names[j]]));
      const up = evaluate(s[i], { ...point, [names[j]]: point[names[j]] + step });
      const down = evaluate(s[i], { ...point, [names[j]]: point[names[j]] - step });
      const fd = (up - down) / (2 * step);
      worst = Math.max(worst, Math.abs(fd - evaluate(h[i][j], point)) / Math.max(1, Math.abs(fd)));
    }
  }
  console.log(`  at ${JSON.stringify(point)}: largest relative gap to finite differences ${worst.toExponential(1)}`);
}
