// fisherlab with mathjs: a log-density written and parsed in mathjs, handed to fisherlab; the
// Fisher matrix handed back to mathjs and evaluated there (fisherlab's special functions imported,
// exactly with mathjs's fractions); and mathjs's own derivative beside fisherlab's score.
// Run after `npm run build` (mathjs is a peer dependency):  node examples/mathjs.mjs
import { all, create } from 'mathjs';
import { evaluate, fisher, parse, printExpr, printMatrix, score } from '../dist/index.js';
import { fromMathjs, importFisherlab, toMathjs } from '../dist/mathjs.js';

const math = create(all);
console.log('imported into mathjs:', importFisherlab(math).join(', '));

// A mathjs user's log-density (implicit multiplication, mathjs's gamma), read by fisherlab.
const node = math.parse('(k - 1) log(x) - x / theta - k log(theta) - log(gamma(k))');
const logp = fromMathjs(node);
console.log('\nmathjs:    ', node.toString());
console.log('fisherlab: ', printExpr(logp));

// The model around it, and its Fisher information, in closed form.
const m = parse(`data x in positive; param k in positive; param theta in positive; logp = ${printExpr(logp)}`);
const F = fisher(m);
console.log('\nFisher information:', printMatrix(F.matrix), `(${F.method})`);

// Back to mathjs: a matrix node that mathjs evaluates, trigamma from fisherlab's numerics.
const Fnode = toMathjs(F.matrix, math);
console.log('as mathjs: ', Fnode.toString());
console.log('at k = 2.5, theta = 1.5:', Fnode.evaluate({ k: 2.5, theta: 1.5 }).toString());
console.log('its determinant there:  ', math.det(Fnode.evaluate({ k: 2.5, theta: 1.5 })));

// With mathjs's fractions the numbers are exact: the binomial's n/(theta(1 - theta)) at theta = 1/3.
const exact = create(all, { number: 'Fraction' });
const binomial = fisher(parse('const n = 10; x ~ Binomial(n, theta)')).matrix;
console.log('\nbinomial, exactly:', toMathjs(binomial, exact).evaluate({ n: exact.fraction(10), theta: exact.fraction(1, 3) }).toString());

// mathjs's derivative (an independent implementation) beside fisherlab's score, at one point.
const normal = parse('x ~ Normal(mu, sigma)');
const dsigma = math.derivative(toMathjs(normal.logp), 'sigma');
const at = { x: 1.3, mu: 0.3, sigma: 1.7 };
console.log('\nd/dsigma by mathjs:   ', dsigma.toString(), '=', dsigma.evaluate(at));
console.log('d/dsigma by fisherlab:', printExpr(score(normal)[1]), '=', evaluate(score(normal)[1], at));
