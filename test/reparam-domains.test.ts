/**
 * `reparam` infers a new parameter's domain as the preimage of the old domain under the map:
 * checked against images worked out by hand (rho = r on (−1, 1) stays (−1, 1), rho = tanh(t)
 * needs all of t, ...), and by evaluating the map just inside and just outside each inferred end
 * (inside lands in the old domain, outside does not: the domain is the largest one).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/expr/evaluate';
import { contains, type Interval } from '../src/expr/interval';
import { parse } from '../src/lang/parse';
import { reparam } from '../src/stats/reparam';

const BVN = 'x1, x2 ~ BivariateNormal(0, 0, 1, 1, rho)';

// `piece`: the preimage is not an interval (s² > 0 for s ≠ 0), and the domain is one piece of it.
const table: Array<{ model: string; map: string; domains?: string; name: string; label: string; lo: number; hi: number; piece?: boolean }> = [
  { model: BVN, map: 'rho = r', name: 'r', label: '(-1, 1)', lo: -1, hi: 1 },
  { model: BVN, map: 'rho = tanh(t)', name: 't', label: 'real', lo: -Infinity, hi: Infinity },
  { model: BVN, map: 'rho = 2*q - 1', name: 'q', label: '(0, 1)', lo: 0, hi: 1 },
  { model: BVN, map: 'rho = (t + 1)/2', name: 't', label: '(-3, 1)', lo: -3, hi: 1 },
  { model: BVN, map: 'rho = 1 - 1/u', name: 'u', label: '(1/2, inf)', lo: 0.5, hi: Infinity },
  { model: 'x ~ Bernoulli(p)', map: 'p = sigmoid(a)', name: 'a', label: 'real', lo: -Infinity, hi: Infinity },
  { model: 'x ~ Normal(mu, sigma)', map: 'sigma = exp(s)', name: 's', label: 'real', lo: -Infinity, hi: Infinity },
  { model: 'x ~ Normal(mu, sigma)', map: 'sigma = s^2', name: 's', label: 'positive', lo: 0, hi: Infinity, piece: true },
  { model: 'x ~ Normal(mu, sigma)', map: 'sigma = s^2', domains: 's in positive', name: 's', label: 'positive', lo: 0, hi: Infinity, piece: true },
  { model: 'x ~ Exponential(lambda)', map: 'lambda = 1/theta', name: 'theta', label: 'positive', lo: 0, hi: Infinity },
  { model: 'const n = 10; x ~ Binomial(n, theta)', map: 'theta = phi/(1 + phi)', name: 'phi', label: 'positive', lo: 0, hi: Infinity },
  { model: 'param t in [0, 2]; x ~ Bernoulli(t/3 + 1/6)', map: 't = 2*u', name: 'u', label: '[0, 1]', lo: 0, hi: 1 },
  { model: 'param k in naturals; data x in real; logp = -(x - k)^2/2 - log(2*pi)/2', map: 'k = m + 1', name: 'm', label: '{-1..inf}', lo: -1, hi: Infinity },
];

describe('reparam: the inferred domain is the preimage of the old one', () => {
  for (const c of table) {
    it(`${c.model} with ${c.map}${c.domains ? ` (${c.domains})` : ''}: ${c.name} in ${c.label}`, () => {
      const m = parse(c.model);
      const r = reparam(m, c.map, c.domains !== undefined ? { domains: c.domains } : {});
      const p = r.newParams.find((q) => q.name === c.name)!;
      expect(p.label).toBe(c.label);
      expect(p.domain.lo).toBe(c.lo);
      expect(p.domain.hi).toBe(c.hi);
      expect(p.origin).toBe(c.domains !== undefined ? 'given' : 'inferred');
      // The map evaluated by the test: inside the inferred domain it lands in the old domain ...
      const [old, g] = [...r.map][0]!;
      const target: Interval = m.symbols.get(old)!.range;
      const at = (t: number): number => evaluate(g, new Map([[c.name, t]]));
      const step = (x: number): number => Math.max(1e-6, 1e-6 * Math.abs(x));
      // (Far out on an infinite side, but not so far that tanh or exp round to the old domain's end.)
      const inside = [c.lo === -Infinity ? -5 : c.lo + step(c.lo), c.hi === Infinity ? 5 : c.hi - step(c.hi)];
      for (const t of inside) expect(contains(target, at(t)), `${c.name} = ${t}`).toBe(true);
      // ... and just beyond a finite end of it (where the map is defined) it does not: nothing larger works.
      const outside = c.piece ? [] : [...(Number.isFinite(c.lo) ? [c.lo - step(c.lo)] : []), ...(Number.isFinite(c.hi) ? [c.hi + step(c.hi)] : [])];
      for (const t of outside) {
        const v = at(t);
        if (Number.isFinite(v)) expect(contains(target, v), `${c.name} = ${t} gives ${v}`).toBe(false);
      }
    });
  }

  it('an end that is no simple number: a smaller inferred domain, and a warning saying so', () => {
    // exp(s) − 1 in (−1, 1) for s < log 2 = 0.693147...: negative is inferred, and the warning names the whole.
    const r = reparam(parse(BVN), 'rho = exp(s) - 1');
    expect(r.newParams[0]!.label).toBe('negative');
    expect(r.warnings.join('\n')).toMatch(/about \(-inf, 0\.693147\)/);
  });

  it('a map no rule decides asks for the domain, with the syntax', () => {
    expect(() => reparam(parse('x ~ Bernoulli(p)'), 'p = sin(t)')).toThrow(/give it with --domain 't in \.\.\.'/);
  });
});
