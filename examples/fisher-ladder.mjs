// The expected Fisher information of textbook models in several parameterisations, with the rung
// of the method ladder that produced each, and a mixture (no closed form) evaluated numerically.
// Run after `npm run build`:  node examples/fisher-ladder.mjs
import { fisher, numericFisher, parse, printExpr } from '../dist/index.js';

const models = [
  'x ~ Normal(mu, exp(s))',
  'const n = 10; param phi in positive; x ~ Binomial(n, phi/(1 + phi))',
  'x ~ Weibull(k, lambda)',
  'x ~ StudentT(4, mu, sigma)',
  'x ~ StudentT(nu, mu, sigma)',
  'x ~ VonMises(mu, kappa)',
  'y1, y2 ~ Categorical(p1, p2)',
  'data x in positive; param a in positive; logp = log(2/pi)/2 + 2*log(x) - 3*log(a) - x^2/(2*a^2)', // Maxwell
  'data x in real; param theta in positive; logp = -log(2*pi)/2 - log(theta) - (x - theta)^2/(2*theta^2)', // N(θ, θ²)
];

for (const text of models) {
  const t0 = performance.now();
  const r = fisher(parse(text));
  const ms = (performance.now() - t0).toFixed(1);
  console.log(`\n${text}\n  method: ${r.method} (${ms} ms)`);
  r.matrix.forEach((row, i) => console.log(`  ${i === 0 ? 'I =' : '   '} [${row.map((e) => (e === null ? '?' : printExpr(e))).join(', ')}]`));
}

// No closed form: a two-component mixture, by quadrature at a point.
const text = 'const m1 = -1; const m2 = 1.5; data x in real; param w in (0, 1); logp = log(w*exp(-(x-m1)^2/2) + (1-w)*exp(-(x-m2)^2/2)) - log(2*pi)/2';
const at = new Map([['w', 0.3]]);
const r = fisher(parse(text), { at, numeric: numericFisher });
console.log(`\n${text} at w = 0.3\n  method: ${r.method}`);
r.value.forEach((row, i) => console.log(`  ${i === 0 ? 'I =' : '   '} [${row.map((v, j) => `${v.toPrecision(10)} ± ${r.error[i][j].toExponential(0)}`).join(', ')}]`));
