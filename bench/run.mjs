// npm run bench: speed as ratios against baselines measured in the same run.
// Prints a table and writes bench/results.json (one entry per workload).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

// Cold start of the CLI: a whole process, against `node -e 0` in the same run.
const reps = Number(process.env.BENCH_PROCESS_REPS ?? 15);
const cli = processMedian(['bin/fisherlab.js', 'hessian', 'x ~ Normal(mu, sigma)'], reps);
const node0 = processMedian(['-e', '0'], reps);
record('cli-cold-start', "fisherlab hessian 'x ~ Normal(mu, sigma)', whole process (budget 350 ms)", cli, 'node -e 0', node0, { budget_ms: 350 });

const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('workload', 20)}${pad('median ms', 12)}${pad('baseline', 22)}${pad('baseline ms', 13)}ratio`);
for (const r of results) {
  console.log(`${pad(r.name, 20)}${pad(r.median_ms.toFixed(3), 12)}${pad(r.baseline, 22)}${pad(r.baseline_median_ms.toFixed(3), 13)}${r.ratio.toFixed(2)}`);
}
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), workloads: results }, null, 2)}\n`);
