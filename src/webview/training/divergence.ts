/**
 * Divergence: the one rule the epoch runner (runner.ts) applies, on every backend, to the loss it reads
 * back. A run has diverged when its loss is not a finite number, or when it has stayed far
 * above where it started (3 × the loss of an untrained classifier, ln 10 for MNIST's ten classes) for at least
 * 50 batches: at learning rate 1 Adam's loss climbs from 2.30 to about 14 within a few batches and stays there,
 * where a learning run falls below 2.30 and never comes back near 6.9. Pure (no DOM, no tfjs): unit-tested.
 */
import type { Hyperparameters } from '../../shared/hyperparameters';
import { ADAM, RMSPROP, SGD } from '../../shared/model';
import type { Translate } from '../../shared/l10n/training';

export type Divergence =
  | { kind: 'notFinite'; step: number; loss: number }
  | { kind: 'rising'; step: number; start: number; loss: number; batches: number };

/** How far above its start the loss must be to count as diverging. */
export const DIVERGENCE_FACTOR = 3;
/** For how many batches it must stay there (one reading can be a spike). */
export const DIVERGENCE_BATCHES = 50;

export class DivergenceWatch {
  private readonly start: number;
  /** The step before the first reading of the current run of readings above the line. */
  private aboveSince: number | undefined;
  private lastStep: number;

  /**
   * @param untrainedLoss the loss of a model that has learned nothing (ln of the class count), where a fresh
   *   run starts (2.33 measured at the first batch); not the first reading, which on our CPU engine covers 25
   *   batches and has already climbed to 14 at learning rate 1, nor that of a run resumed on another backend.
   * @param step the step the run starts from (a resumed run starts after its finished epochs).
   */
  constructor(untrainedLoss: number, step = 0) {
    this.start = untrainedLoss;
    this.lastStep = step;
  }

  /** A reading of the training loss (mean over the batches up to `step`); returns the verdict once diverged. */
  observe(step: number, loss: number): Divergence | undefined {
    const previous = this.lastStep;
    this.lastStep = step;
    if (!Number.isFinite(loss)) return { kind: 'notFinite', step, loss };
    if (loss <= this.start * DIVERGENCE_FACTOR) {
      this.aboveSince = undefined;
      return undefined;
    }
    this.aboveSince ??= previous;
    const batches = step - this.aboveSince;
    return batches >= DIVERGENCE_BATCHES
      ? { kind: 'rising', step, start: this.start, loss, batches }
      : undefined;
  }

  /** A validation loss: only a non-finite one is a verdict (it has no batches to stay above the line for). */
  observeValidation(step: number, loss: number): Divergence | undefined {
    return Number.isFinite(loss) ? undefined : { kind: 'notFinite', step, loss };
  }
}

/** Keras's default learning rate of each optimizer: what to suggest after a run diverged. */
const KERAS_LEARNING_RATE = {
  adam: ADAM.learningRate,
  sgd: SGD.learningRate,
  rmsprop: RMSPROP.learningRate,
} as const;

/** What the panel says when a run diverged: what happened to the loss, and a smaller learning rate to try. */
export function divergenceMessage(t: Translate, d: Divergence, hyper: Hyperparameters): string {
  const rate = hyper.learningRate;
  const suggested = Number(Math.min(KERAS_LEARNING_RATE[hyper.optimizer], rate / 10).toPrecision(1));
  return d.kind === 'notFinite'
    ? t('nanLoss', String(d.loss), rate, suggested)
    : t('diverged', d.start.toFixed(2), d.loss.toFixed(2), d.batches, rate, suggested);
}
