/**
 * Accuracy per digit: how many images of each true class there are and how many of them the model got right.
 * One function for both places that show it: the Evaluate tab's column beside the confusion matrix (the MNIST
 * test set) and "Your examples" (the learner's own drawings, before and after a fine-tune).
 */
import { CLASSES } from '../model';

export interface ClassAccuracy {
  /** The true class, 0–9. */
  readonly digit: number;
  /** Images whose true class is `digit`. */
  readonly count: number;
  /** Of them, the ones the model read as `digit`. */
  readonly correct: number;
  /** correct / count; undefined when there is no image of this class (nothing to be right or wrong about). */
  readonly accuracy: number | undefined;
}

/**
 * Per-class counts over the first `count` items: `labels[i]` the truth, `predicted[i]` the model's answer.
 * Labels outside 0–(classes−1) are not counted (they belong to no row).
 */
export function perClassAccuracy(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  count: number = Math.min(labels.length, predicted.length),
  classes: number = CLASSES,
): ClassAccuracy[] {
  if (count > labels.length || count > predicted.length) {
    throw new Error(`${count} items asked for, but ${labels.length} labels and ${predicted.length} answers`);
  }
  const total = new Array<number>(classes).fill(0);
  const right = new Array<number>(classes).fill(0);
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= classes) continue;
    total[y]++;
    if (predicted[i] === y) right[y]++;
  }
  return total.map((n, digit) => ({
    digit,
    count: n,
    correct: right[digit],
    accuracy: n > 0 ? right[digit] / n : undefined,
  }));
}
