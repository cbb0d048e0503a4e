/**
 * The reference-case loader (test/helpers/fixtures.ts): the repository's copy holds every case of
 * the shared set with its source, and a missing, malformed or incomplete file, or an unknown id, is
 * a loud error naming the file, never an empty list that lets the tests over the cases pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES_PATH, checkReferenceCases, closedCase, loadReferenceCases, numericCase, referenceCase, referenceCases } from './helpers/fixtures';

/** The 19 ids of the shared reference set (its public-ids.json), in any order. */
const IDS = [
  'bernoulli_p', 'binomial_theta', 'poisson_lambda', 'geometric_p', 'negbin_p_r_fixed', 'exponential_rate', 'normal_mu_sigma',
  'normal_mu_var', 'normal_mean_known_var', 'gamma_shape_rate', 'beta_a_b', 'lognormal_mu_sigma', 'cauchy_loc_scale',
  'student_t_loc_scale_nu4', 'laplace_mu_b', 'categorical3_probs', 'dirichlet3', 'logistic_regression_2', 'gauss_mixture_weight',
];

const tmp = mkdtempSync(join(tmpdir(), 'fisherlab-fixtures-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

/** A valid one-case file to break field by field. */
const bernoulli = (): Record<string, unknown> => JSON.parse(JSON.stringify(referenceCase('bernoulli_p'))) as Record<string, unknown>;

describe('the reference cases in test/fixtures', () => {
  it('are all 19 cases of the shared set, each with its published source and three check points', () => {
    const all = referenceCases();
    expect(all.map((c) => c.id).sort()).toEqual([...IDS].sort());
    for (const c of all) {
      expect(c.source, c.id).toMatch(/\(\d{4}\)/); // a citation with its year
      expect(c.check_points, c.id).toHaveLength(3);
    }
    expect(CASES_PATH.endsWith(join('test', 'fixtures', 'cases.json'))).toBe(true);
  });

  it('are frozen, so that no test changes a case under another', () => {
    const c = referenceCase('normal_mu_sigma');
    expect(Object.isFrozen(c) && Object.isFrozen(c.check_points[0]) && Object.isFrozen(c.fisher)).toBe(true);
  });

  it('narrow by kind: closedCase and numericCase refuse the other kind', () => {
    expect(closedCase('dirichlet3').fisher).toHaveLength(3);
    expect(numericCase('gauss_mixture_weight').reference_at_points).toHaveLength(3);
    expect(() => closedCase('gauss_mixture_weight')).toThrow(/'gauss_mixture_weight' has no closed form/);
    expect(() => numericCase('dirichlet3')).toThrow(/'dirichlet3' has a closed form/);
  });
});

describe('a missing or malformed fixture is a loud error naming the file', () => {
  it('an unknown id lists the known ones', () => {
    expect(() => referenceCase('normal_mu_tau')).toThrow(/no reference case 'normal_mu_tau' in .*cases\.json \(known: bernoulli_p, binomial_theta, /);
  });

  it('a missing file', () => {
    const p = join(tmp, 'absent.json');
    expect(() => loadReferenceCases(p)).toThrow(new RegExp(`reference cases ${p}: cannot be read \\(ENOENT`));
  });

  it('a file that is not JSON, or not an array of cases', () => {
    const p = write('broken.json', '[{"id": "x",');
    expect(() => loadReferenceCases(p)).toThrow(new RegExp(`reference cases ${p}: not valid JSON`));
    expect(() => loadReferenceCases(write('object.json', '{}'))).toThrow(/top level: expected an array of cases/);
    expect(() => loadReferenceCases(write('empty.json', '[]'))).toThrow(/top level: no cases/);
  });

  it('a case with a field missing, of the wrong type, of the wrong size, or unknown', () => {
    const check = (change: (c: Record<string, unknown>) => void): (() => unknown) => () => {
      const c = bernoulli();
      change(c);
      return checkReferenceCases([c], 'f.json');
    };
    expect(check(() => undefined)()).toHaveLength(1);
    expect(check((c) => delete c.source)).toThrow(/reference cases f\.json: case 0 \(bernoulli_p\): 'source' must be a non-empty string/);
    expect(check((c) => (c.fisher = [['1/p', '0'], ['0', '1']]))).toThrow(/'fisher' must be a 1×1 matrix of expressions when closed_form is true/);
    expect(check((c) => (c.check_points = [{ q: 0.3 }]))).toThrow(/'check_points\[0\]' must give a finite value to each of p/);
    expect(check((c) => (c.constants = { n: '10' }))).toThrow(/'constants' must map names to finite numbers/);
    expect(check((c) => (c.closed_form = 'yes'))).toThrow(/'closed_form' must be true or false/);
    expect(check((c) => (c.closed_form = false))).toThrow(/'reference_at_points' must hold one 1×1 matrix of finite numbers per check point \(3\)/);
    expect(check((c) => (c.referenceAtPoints = []))).toThrow(/'referenceAtPoints' is not a known field/);
    expect(() => checkReferenceCases([bernoulli(), bernoulli()], 'f.json')).toThrow(/case 1 \(bernoulli_p\): 'id' is not unique/);
  });
});
