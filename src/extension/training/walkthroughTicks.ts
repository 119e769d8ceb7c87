/**
 * Which "First model" walkthrough steps a finished run ticks, decided from the run and the history alone (no
 * `vscode`, so it is tested in plain Node): "Train" by any completed run of the learner's own, "Change one
 * thing and compare" by a completed run that differs from another completed one in the layers, a hyperparameter
 * or the seed. A fine-tune is kept in the history but ticks neither: it is no first model trained, and its
 * examples are the change, not the model.
 */
import type { RunRecord } from '../../shared/protocol/runRecord';
import { diffRuns } from '../../shared/runDiff';

export interface WalkthroughTicks {
  trainedOnce: boolean;
  comparedRuns: boolean;
}

/**
 * Whether two runs differ in what the learner changes: the layers, a hyperparameter or the seed (the backend and
 * the training images do not count).
 */
function differentRuns(a: RunRecord, b: RunRecord): boolean {
  return diffRuns(a, b).modelChanges > 0;
}

/** What `run`, just finished, ticks; `history` may hold `run` itself (it is saved before this is asked). */
export function walkthroughTicks(run: RunRecord, history: readonly RunRecord[]): WalkthroughTicks {
  const counts = (r: RunRecord) => r.status === 'completed' && !r.fineTune;
  if (!counts(run)) return { trainedOnce: false, comparedRuns: false };
  const others = history.filter((r) => r.id !== run.id && counts(r));
  return { trainedOnce: true, comparedRuns: others.some((r) => differentRuns(r, run)) };
}
