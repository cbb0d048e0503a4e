/**
 * `verify` near the edge of floating point: a claim wrong by a small relative amount, clearly
 * above rounding, is refuted with a counterexample; one within rounding is accepted; in between,
 * the answer is "undecided" with the true reason (never "too few points where both sides are
 * defined" for a model defined everywhere). The claims are the reference cases' published Fisher
 * matrices (test/fixtures/cases.json, textbook results) scaled by exp(δ), so the counterexample's two values
 * must stand in the ratio exp(δ).
 */
import { describe, expect, it } from 'vitest';
import { parse, parseExpr } from '../src/lang/parse';
import { decide, exprEvaluator, undecidedReason, type Undecided } from '../src/verify/compare';
import { samplePoints } from '../src/verify/points';
import { verify } from '../src/verify/verify';
import { referenceCases, type ClosedCase } from './helpers/fixtures';
import { runCli } from './helpers/run-cli';

const matrixText = (f: ReadonlyArray<ReadonlyArray<string>>): string => `[${f.map((r) => `[${r.join(', ')}]`).join(', ')}]`;
const closed = referenceCases().filter((c): c is ClosedCase => c.closed_form);

/** Every entry that is not identically 0 multiplied by exp(δ). */
const scaledClaim = (f: ReadonlyArray<ReadonlyArray<string>>, delta: number): string => matrixText(f.map((r) => r.map((e) => (e.trim() === '0' ? '0' : `exp(${delta})*(${e})`))));

describe('verify refutes a claim wrong by a small relative amount', () => {
  it('there are reference cases to scale', () => {
    expect(closed.length).toBeGreaterThan(10);
  });

  for (const delta of [1e-7, 1e-9]) {
    it.each(closed.map((c) => [c.id, c] as const))(`%s, every entry times exp(${delta})`, (_id, c) => {
      const r = verify(parse(c.model), 'fisher', scaledClaim(c.fisher, delta));
      expect(r.equal, r.method).toBe(false);
      expect(r.decided, r.method).toBe(true);
      const ce = r.counterexample!;
      // The two values at the counterexample stand in the ratio exp(δ) (to rounding).
      expect(Math.abs(ce.claimed! / ce.expected! - Math.exp(delta))).toBeLessThan(1e-12);
    });
  }

  it('the command line: not equal with a counterexample, exit 1', () => {
    const r = runCli('verify', 'x ~ Normal(mu, sigma)', '--fisher', '[[exp(1e-7)/sigma^2, 0], [0, 2/sigma^2]]');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^not equal: .* \(entry mu, mu\)/);
    expect(r.out + r.err).not.toMatch(/too few points/);
  });
});

describe('verify within rounding, and in between', () => {
  it('accepts a claim equal up to rounding (2 written as sqrt(2)^2 evaluates to 2.0000000000000004)', () => {
    const r = verify(parse('x ~ Normal(mu, sigma)'), 'fisher', '[[1/sigma^2, 0], [0, sqrt(2)*sqrt(2)/sigma^2 + 0*exp(mu)]]');
    expect(r.equal, r.method).toBe(true);
  });

  it('a relative difference of 1e-11 is undecided, and the reason says so', () => {
    const r = verify(parse('x ~ Normal(mu, sigma)'), 'fisher', '[[exp(1e-11)/sigma^2, 0], [0, 2/sigma^2]]');
    expect(r.equal).toBe(false);
    expect(r.decided).toBe(false);
    expect(r.method).toMatch(/differ by up to 1e-11 \(relative\) at 40 of 40 points/);
    expect(r.method).not.toMatch(/defined/);
  });

  it('sides undefined at most points: the reason gives the counts', () => {
    // Both sides log(t) - log(t) + 1 for a parameter t that is mostly negative at the points.
    const m = parse('param t in real; data x in real; logp = -(x - t)^2/2 - log(2*pi)/2');
    const points = samplePoints(m, ['param'], 40, 7);
    const side = (e: string) => exprEvaluator(parseExpr(e));
    const o = decide(side('log(t - 1.2) + 1'), side('log(t - 1.2) + 1 + 0*t'), points, { continuous: ['t'] });
    const defined = points.filter((p) => p.float.get('t')! > 1.2).length;
    expect(defined).toBeLessThan(8);
    expect(o.equal).toBeUndefined();
    expect(undecidedReason(o as Undecided)).toMatch(new RegExp(`a side is undefined or infinite at ${40 - defined} of 40 points; they agree at ${defined} of 40 points`));
  });
});
