/**
 * Live prediction while drawing: at most one preprocessing + forward pass per `intervalMs` (the pad changes
 * on every pointer move, far more often), always one after the last change, and one at once when a stroke
 * ends or the pad is cleared.
 */
import { argMax, CLASSES, type Classifier } from './forward';
import { preprocessDigit, type InkBitmap } from './preprocess';

export interface Prediction {
  /** The 28x28 input the model saw. */
  readonly input: Float32Array;
  readonly probabilities: Float32Array;
  readonly label: number;
  /** Preprocessing and forward pass, in milliseconds. */
  readonly ms: number;
}

/** Preprocesses a drawing and classifies it; undefined when the drawing is blank. */
export function predictInk(ink: InkBitmap, classifier: Classifier): Prediction | undefined {
  const started = performance.now();
  const pre = preprocessDigit(ink);
  if (!pre) return undefined;
  const probabilities = classifier.predict(pre.input, new Float32Array(CLASSES));
  return { input: pre.input, probabilities, label: argMax(probabilities), ms: performance.now() - started };
}

export class LivePredictor {
  private lastRun = -Infinity;
  private timer?: ReturnType<typeof setTimeout>;
  /** A test hook (see training/testHooks.ts): how many predictions ran, for the throttle test. */
  runs = 0;

  constructor(
    private readonly read: () => InkBitmap | undefined,
    private readonly classifier: () => Classifier | undefined,
    private readonly show: (p: Prediction | undefined) => void,
    readonly intervalMs = 80,
  ) {}

  /** The drawing changed: predict now if the last prediction is old enough, else once the interval is up. */
  request(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastRun + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Predicts now (end of a stroke, a cleared pad, a new model). */
  flush(): Prediction | undefined {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRun = performance.now();
    const ink = this.read();
    const classifier = this.classifier();
    const p = ink && classifier ? predictInk(ink, classifier) : undefined;
    if (ink && classifier) this.runs++;
    this.show(p);
    return p;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
