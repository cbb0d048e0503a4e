/** The verbs of `fisherlab`, in the order `--help` and docs/cli.md list them. */
import type { AnyVerb } from '../registry';
import { deriveVerb } from './derive';
import { hessianVerb, scoreVerb } from './derivatives';
import { fisherVerb } from './fisher';
import { fitVerb } from './fit';
import { distanceVerb, klVerb } from './geometry';
import { familiesVerb, functionsVerb } from './lists';
import { crbVerb, expfamilyVerb, jeffreysVerb, reparamVerb } from './stats';
import { verifyVerb } from './verify';

export const VERBS: readonly AnyVerb[] = [
  scoreVerb,
  hessianVerb,
  fisherVerb,
  familiesVerb,
  functionsVerb,
  deriveVerb,
  verifyVerb,
  klVerb,
  distanceVerb,
  fitVerb,
  expfamilyVerb,
  reparamVerb,
  jeffreysVerb,
  crbVerb,
];
