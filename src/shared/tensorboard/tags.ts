// How the TensorBoard-logs page lays out what it draws: tags grouped into sections and cards, runs
// into chart lines (Keras's `train`/`validation` folders as two lines of one run). Pure: the host
// (the reader's sort order, the viewer) and the page both use it.

/** A TensorBoard tag group: tags sharing the prefix before their first `/`. */
export interface TagGroup {
  readonly name: string;
  readonly tags: readonly string[];
}

/**
 * Groups tags the way TensorBoard's scalar dashboard does: by the part before the first `/`; a tag
 * without `/` is a group of its own. Groups and the tags in them are sorted.
 */
export function groupTags(tags: Iterable<string>): TagGroup[] {
  const groups = new Map<string, Set<string>>();
  for (const tag of tags) {
    const slash = tag.indexOf('/');
    const name = slash < 0 ? tag : tag.slice(0, slash);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = new Set()));
    group.add(tag);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compareNames(a, b))
    .map(([name, set]) => ({ name, tags: [...set].sort(compareNames) }));
}

/** Natural order, so `run2` sorts before `run10`, as TensorBoard sorts runs and tags. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Where the page draws a run's tag: one chart run, a card, and a line style (series) within the run. */
export interface ChartPlacement {
  readonly chartRun: string;
  readonly card: string;
  readonly series: string;
}

/** Folder or tag parts that name a data split, and the series each is drawn as. */
const SPLITS: Readonly<Record<string, string>> = {
  train: 'train',
  training: 'train',
  validation: 'validation',
  val: 'validation',
  valid: 'validation',
  eval: 'validation',
  evaluation: 'validation',
  test: 'test',
};

function splitOf(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(SPLITS, name.toLowerCase())
    ? SPLITS[name.toLowerCase()]
    : undefined;
}

/** A tag of two parts of which exactly one names a split: the other is the card. */
function splitTag(a: string, b: string): { card: string; series: string } | undefined {
  const first = splitOf(a);
  const second = splitOf(b);
  if (second && !first && a) return { card: a, series: second };
  if (first && !second && b) return { card: b, series: first };
  return undefined;
}

/**
 * Draws train and validation of one training run together, as one run with a solid and a dashed line,
 * whichever way the program logged them:
 * - Keras' `TensorBoard` callback: runs `<run>/train` and `<run>/validation`, tag `epoch_loss` →
 *   run `<run>`, card `epoch_loss`, series `train` / `validation`;
 * - PyTorch `add_scalars('Loss', {'train': …, 'val': …})`: runs `<run>/Loss_train`, `<run>/Loss_val`,
 *   tag `Loss` → run `<run>`, card `Loss`, series `train` / `validation`;
 * - one run with tags `Loss/train` and `Loss/val` (or `train/loss`, `val/loss`) → card `Loss` or `loss`;
 * - one run with tags `loss` and `val_loss` (TF1-era Keras), `train_acc` and `test_acc`, `loss_val` → card
 *   `loss` or `acc`, series by the split named.
 * `.` stands for the log folder itself. Anything else is drawn as TensorBoard draws it.
 */
export function chartPlacement(run: string, tag: string): ChartPlacement {
  const slash = run.lastIndexOf('/');
  const parent = slash < 0 ? '.' : run.slice(0, slash);
  const last = run.slice(slash + 1);
  const runSplit = splitOf(last);
  if (runSplit) return { chartRun: parent, card: tag, series: runSplit };
  if (last.startsWith(`${tag}_`)) {
    const key = last.slice(tag.length + 1);
    return { chartRun: parent, card: tag, series: splitOf(key) ?? key };
  }
  const parts = tag.split('/');
  if (parts.length === 2) {
    const split = splitTag(parts[0], parts[1]);
    if (split) return { chartRun: run, ...split };
  }
  if (parts.length === 1) {
    // TF1-era Keras and many scripts: `loss` and `val_loss`, `train_acc` and `test_acc`, `loss_val`.
    const underscore = tag.indexOf('_');
    const last = tag.lastIndexOf('_');
    const split =
      (underscore > 0 && splitTag(tag.slice(0, underscore), tag.slice(underscore + 1))) ||
      (last > 0 && splitTag(tag.slice(0, last), tag.slice(last + 1)));
    if (split) return { chartRun: run, ...split };
  }
  return { chartRun: run, card: tag, series: 'train' };
}
