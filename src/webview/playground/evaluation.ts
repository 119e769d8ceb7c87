/**
 * Evaluation of a trained model on the MNIST test set: accuracy, the 10x10 confusion matrix (rows the true
 * digit, columns the prediction; a cell opens its images) and a gallery of the test images the model got
 * wrong while being most sure. The forward pass runs in slices between which the page stays responsive.
 */
import { argMax, CLASSES, type Classifier } from './forward';
import { el } from '../common/dom';
import { MNIST_PIXELS, MNIST_SIZE } from './preprocess';
import type { PlaygroundTranslate } from '../../shared/l10n/playground';
import { perClassAccuracy } from '../../shared/examples/perClass';
import { perClassTable } from './perClassTable';

export interface TestSet {
  /** count × 784 bytes, 0–255. */
  readonly images: Uint8Array;
  /** count labels, 0–9. */
  readonly labels: Uint8Array;
  readonly count: number;
}

export interface EvaluationResult {
  readonly count: number;
  readonly correct: number;
  readonly accuracy: number;
  /** confusion[true * 10 + predicted]. */
  readonly confusion: Uint32Array;
  readonly predicted: Uint8Array;
  /** The probability the model gave its answer. */
  readonly confidence: Float32Array;
}

const yieldNow = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function evaluateClassifier(
  classifier: Classifier,
  set: TestSet,
  options: { count?: number; onProgress?: (done: number, total: number) => void; sliceMs?: number } = {},
): Promise<EvaluationResult> {
  const count = Math.min(options.count ?? set.count, set.count);
  if (set.images.length < count * MNIST_PIXELS || set.labels.length < count) {
    throw new Error(`the test set holds fewer than ${count} images`);
  }
  const confusion = new Uint32Array(CLASSES * CLASSES);
  const predicted = new Uint8Array(count);
  const confidence = new Float32Array(count);
  const probs = new Float32Array(CLASSES);
  const sliceMs = options.sliceMs ?? 30;
  let correct = 0;
  let sliceStart = performance.now();
  for (let i = 0; i < count; i++) {
    classifier.predictBytes(set.images, i * MNIST_PIXELS, probs);
    const p = argMax(probs);
    predicted[i] = p;
    confidence[i] = probs[p];
    confusion[set.labels[i] * CLASSES + p]++;
    if (p === set.labels[i]) correct++;
    if (performance.now() - sliceStart > sliceMs) {
      options.onProgress?.(i + 1, count);
      await yieldNow();
      sliceStart = performance.now();
    }
  }
  options.onProgress?.(count, count);
  return { count, correct, accuracy: count ? correct / count : 0, confusion, predicted, confidence };
}

/** Indices of the images whose true label is `actual` and prediction `said`, in test-set order. */
export function cellIndices(
  result: EvaluationResult,
  labels: Uint8Array,
  actual: number,
  said: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < result.count; i++)
    if (labels[i] === actual && result.predicted[i] === said) out.push(i);
  return out;
}

/** The `n` wrong answers given with the highest confidence, most confident first. */
export function confidentMistakes(result: EvaluationResult, labels: Uint8Array, n: number): number[] {
  const wrong: number[] = [];
  for (let i = 0; i < result.count; i++) if (result.predicted[i] !== labels[i]) wrong.push(i);
  return wrong.sort((a, b) => result.confidence[b] - result.confidence[a] || a - b).slice(0, n);
}

// ---- view ---------------------------------------------------------------------------------------------

const GALLERY_LIMIT = 60;
const MISTAKES = 24;

const pct = (v: number) => `${(v * 100).toFixed(2)}\u00a0%`;

/**
 * Paints a 28x28 image (bytes 0–255, or floats 0–1) on a canvas in its CSS colour (the theme's foreground),
 * the pixels as alpha, so digits look right on light and dark themes alike.
 */
export function paintDigit(canvas: HTMLCanvasElement, pixels: Uint8Array | Float32Array): void {
  const mask = new ImageData(MNIST_SIZE, MNIST_SIZE);
  const bytes = pixels instanceof Uint8Array;
  for (let i = 0; i < MNIST_PIXELS; i++)
    mask.data[i * 4 + 3] = bytes ? pixels[i] : Math.round(pixels[i] * 255);
  const maskCanvas = document.createElement('canvas');
  maskCanvas.width = maskCanvas.height = MNIST_SIZE;
  maskCanvas.getContext('2d')!.putImageData(mask, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, MNIST_SIZE, MNIST_SIZE);
  ctx.drawImage(maskCanvas, 0, 0);
  ctx.globalCompositeOperation = 'source-in';
  ctx.fillStyle = getComputedStyle(canvas).color || '#888';
  ctx.fillRect(0, 0, MNIST_SIZE, MNIST_SIZE);
  ctx.globalCompositeOperation = 'source-over';
}

/** A canvas showing one test image; painted once it is in the document (its colour comes from the CSS). */
export function digitCanvas(pixels: Uint8Array): HTMLCanvasElement {
  const canvas = el('canvas', {
    class: 'playground-digit',
    width: String(MNIST_SIZE),
    height: String(MNIST_SIZE),
  });
  queueMicrotask(() => paintDigit(canvas, pixels));
  return canvas;
}

export class EvaluationView {
  readonly element: HTMLElement;
  private readonly summary = el('p', { class: 'playground-accuracy', role: 'status', 'aria-live': 'polite' });
  private readonly matrix = el('table', { class: 'playground-confusion' });
  /** Beside the matrix: each digit's accuracy and counts (its row of the matrix, summed). */
  private readonly perClass = el('div', { class: 'playground-per-class-holder', id: 'playground-per-class' });
  private readonly cellTitle = el('h4', { class: 'playground-cell-title' });
  private readonly cellGallery = el('div', { class: 'playground-gallery', id: 'playground-cell-gallery' });
  private readonly mistakes = el('div', { class: 'playground-gallery', id: 'playground-mistakes' });
  private readonly results = el('div', { class: 'playground-results', hidden: '' });
  private result?: EvaluationResult;
  private set?: TestSet;

  constructor(
    private readonly t: PlaygroundTranslate,
    readonly evaluateButton: HTMLElement,
  ) {
    this.results.append(
      el('h3', {}, t('confusionTitle')),
      el('p', { class: 'playground-hint' }, t('confusionHint')),
      el('div', { class: 'playground-matrix-row' }, this.matrix, this.perClass),
      this.cellTitle,
      this.cellGallery,
      el('h3', {}, t('mistakesTitle')),
      el('p', { class: 'playground-hint' }, t('mistakesHint')),
      this.mistakes,
    );
    this.element = el('div', { class: 'playground-evaluation' }, this.summary, this.results);
    this.matrix.addEventListener('click', (e) => {
      const cell = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-true]');
      if (cell) this.showCell(Number(cell.dataset.true), Number(cell.dataset.predicted));
    });
  }

  setProgress(done: number, total: number): void {
    this.summary.textContent = this.t(
      'evaluating',
      done.toLocaleString('en-US'),
      total.toLocaleString('en-US'),
    );
  }

  clear(message = ''): void {
    this.result = undefined;
    this.summary.textContent = message;
    this.results.hidden = true;
  }

  show(result: EvaluationResult, set: TestSet): void {
    this.result = result;
    this.set = set;
    const t = this.t;
    this.summary.textContent = t(
      'accuracy',
      pct(result.accuracy),
      result.correct.toLocaleString('en-US'),
      result.count.toLocaleString('en-US'),
    );
    this.summary.dataset.accuracy = String(result.accuracy);
    this.renderMatrix(result);
    this.perClass.replaceChildren(
      perClassTable(
        t,
        [
          {
            title: t('perClassTest'),
            key: 'test',
            rows: perClassAccuracy(set.labels, result.predicted, result.count),
          },
        ],
        t('perClassTitle'),
      ),
    );
    this.cellTitle.textContent = '';
    this.cellGallery.replaceChildren();
    const wrong = confidentMistakes(result, set.labels, MISTAKES);
    this.mistakes.replaceChildren(
      ...(wrong.length
        ? wrong.map((i) =>
            this.figure(
              i,
              t('mistakeCaption', set.labels[i], result.predicted[i], pct(result.confidence[i])),
            ),
          )
        : [el('p', {}, t('noMistakes'))]),
    );
    this.results.hidden = false;
  }

  private renderMatrix(result: EvaluationResult): void {
    const t = this.t;
    let max = 1;
    for (let a = 0; a < CLASSES; a++) {
      for (let p = 0; p < CLASSES; p++) if (a !== p) max = Math.max(max, result.confusion[a * CLASSES + p]);
    }
    const head = el(
      'tr',
      {},
      el('th', { scope: 'col', class: 'corner' }, `${t('trueLabel')} \\ ${t('predictedLabel')}`),
    );
    for (let p = 0; p < CLASSES; p++) head.append(el('th', { scope: 'col' }, String(p)));
    const body = el('tbody');
    for (let a = 0; a < CLASSES; a++) {
      const row = el('tr', {}, el('th', { scope: 'row' }, String(a)));
      for (let p = 0; p < CLASSES; p++) {
        const n = result.confusion[a * CLASSES + p];
        const button = el(
          'button',
          {
            type: 'button',
            class: a === p ? 'diagonal' : n > 0 ? 'off' : 'off empty',
            'data-true': String(a),
            'data-predicted': String(p),
            'aria-label': t('cellLabel', n, a, p),
          },
          String(n),
        );
        // Off-diagonal cells shade with their share of the largest mistake count, diagonal ones with recall.
        const rowTotal = result.confusion
          .subarray(a * CLASSES, a * CLASSES + CLASSES)
          .reduce((s, v) => s + v, 0);
        const weight = a === p ? n / Math.max(1, rowTotal) : n / max;
        button.style.setProperty('--weight', weight.toFixed(3));
        row.append(el('td', {}, button));
      }
      body.append(row);
    }
    this.matrix.replaceChildren(el('thead', {}, head), body);
  }

  /** Shows the images of one cell (the first GALLERY_LIMIT of them). */
  showCell(actual: number, said: number): void {
    if (!this.result || !this.set) return;
    const indices = cellIndices(this.result, this.set.labels, actual, said);
    const shown = indices.slice(0, GALLERY_LIMIT);
    const count =
      indices.length > shown.length
        ? `${indices.length}, ${this.t('showingFirst', shown.length)}`
        : String(indices.length);
    this.cellTitle.textContent = this.t('cellImages', actual, said, count);
    this.cellGallery.dataset.cell = `${actual},${said}`;
    this.cellGallery.replaceChildren(
      ...shown.map((i) => this.figure(i, `#${i} · ${pct(this.result!.confidence[i])}`)),
    );
    for (const b of this.matrix.querySelectorAll('button[aria-pressed]')) b.removeAttribute('aria-pressed');
    this.matrix
      .querySelector(`button[data-true="${actual}"][data-predicted="${said}"]`)
      ?.setAttribute('aria-pressed', 'true');
  }

  private figure(index: number, caption: string): HTMLElement {
    const pixels = this.set!.images.subarray(index * MNIST_PIXELS, (index + 1) * MNIST_PIXELS);
    const fig = el(
      'figure',
      { 'data-index': String(index) },
      digitCanvas(pixels),
      el('figcaption', {}, caption),
    );
    fig.title = caption;
    return fig;
  }
}
