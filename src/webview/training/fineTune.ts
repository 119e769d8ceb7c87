/**
 * A fine-tune: a short run that starts from a trained model's weights (not the seed's) and trains on MNIST plus
 * the learner's examples, on the same backends as any run (the epoch runner with tfjs's or our engine's
 * backend; only `ModelChoice.weights` is new to them). A few dozen drawings among 55,000 MNIST images would be
 * lost, so the mix is MNIST_IMAGES MNIST training images (a random window, so that each fine-tune sees others)
 * and every example repeated `repeats` times, so that about one image in EXAMPLE_SHARE_ONE_IN is the learner's:
 * enough to move the model towards their handwriting, while the MNIST images keep it from forgetting the digits
 * they did not draw. One epoch, at the panel's learning rate capped at FINE_TUNE_MAX_RATE, decaying along a cosine.
 */
import type { Hyperparameters } from '../../shared/protocol/training';
import type { Architecture } from '../../shared/model';
import { PIXELS, VALIDATION_COUNT, type Mnist } from './data';
import { engineTrainer, type EngineAssets } from './engineBackend';
import type { RunControl, Trainer, TrainerEvents, TrainingSizes } from './runner';
import { tfjsTrainer } from './tfjsBackend';
import type { BackendName } from '../../shared/protocol/training';

export const MNIST_IMAGES = 5000;
export const EXAMPLE_SHARE_ONE_IN = 5;
export const MAX_REPEATS = 200;
export const FINE_TUNE_MAX_RATE = 0.001;
/** The validation images the runner checks after the epoch (the end of the training set, as in every run). */
const VALIDATION_IMAGES = 1000;

export interface FineTuneRequest {
  architecture: Architecture;
  /** The weights it starts from, in the tfjs model's order. */
  weights: Float32Array[];
  /** count × 784 bytes and count labels. */
  images: Uint8Array;
  labels: Uint8Array;
  /** The model file it starts from, when the model was loaded from files (else: the panel's last run). */
  fromFile?: string;
}

/** How the mix is made, for the page to say. */
export interface FineTunePlan {
  mnistImages: number;
  examples: number;
  repeats: number;
  learningRate: number;
  hyperparameters: Hyperparameters;
}

/** Repeats of each example so that they make up about one image in EXAMPLE_SHARE_ONE_IN. */
export function fineTunePlan(examples: number, hyper: Hyperparameters): FineTunePlan {
  const wanted = MNIST_IMAGES / (EXAMPLE_SHARE_ONE_IN - 1);
  const repeats = examples > 0 ? Math.min(MAX_REPEATS, Math.max(1, Math.round(wanted / examples))) : 0;
  const learningRate = Math.min(hyper.learningRate, FINE_TUNE_MAX_RATE);
  return {
    mnistImages: MNIST_IMAGES,
    examples,
    repeats,
    learningRate,
    hyperparameters: { ...hyper, epochs: 1, learningRate, schedule: 'cosine' },
  };
}

/** The mixed training set (MNIST window, repeated examples, then the validation tail), and its sizes. */
export function fineTuneData(
  data: Mnist,
  request: FineTuneRequest,
  plan: FineTunePlan,
): { data: Mnist; sizes: TrainingSizes } {
  const count = request.labels.length;
  const usable = data.train.count - VALIDATION_COUNT;
  const start = Math.floor(Math.random() * (usable - plan.mnistImages + 1));
  const trainSamples = plan.mnistImages + count * plan.repeats;
  const total = trainSamples + VALIDATION_IMAGES;
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  images.set(data.train.images.subarray(start * PIXELS, (start + plan.mnistImages) * PIXELS));
  labels.set(data.train.labels.subarray(start, start + plan.mnistImages));
  let at = plan.mnistImages;
  for (let r = 0; r < plan.repeats; r++) {
    images.set(request.images.subarray(0, count * PIXELS), at * PIXELS);
    labels.set(request.labels, at);
    at += count;
  }
  const valStart = data.train.count - VALIDATION_IMAGES;
  images.set(data.train.images.subarray(valStart * PIXELS), at * PIXELS);
  labels.set(data.train.labels.subarray(valStart), at);
  return {
    data: { train: { images, labels, count: total }, test: data.test },
    sizes: fineTuneSizes(plan, data.test.count),
  };
}

/** A fine-tune's training, validation and test sizes (the mix fineTuneData makes). */
export function fineTuneSizes(plan: FineTunePlan, testCount: number): TrainingSizes {
  return {
    trainSamples: plan.mnistImages + plan.examples * plan.repeats,
    valSamples: VALIDATION_IMAGES,
    testSamples: Math.min(1000, testCount),
  };
}

/**
 * Trains the fine-tune on `backend` (already active), telling `events` (the run record) as it goes. Returns the
 * trainer, whose model is the fine-tuned one; undefined when it was stopped, and then nothing of it is kept (the
 * trainer is disposed: the caller's model, from before, stays as it was).
 */
export async function runFineTune(
  backend: BackendName,
  engine: EngineAssets | undefined,
  data: Mnist,
  request: FineTuneRequest,
  plan: FineTunePlan,
  control: RunControl,
  events: TrainerEvents,
): Promise<Trainer | undefined> {
  const mix = fineTuneData(data, request, plan);
  const model = { architecture: request.architecture, seed: 0, weights: request.weights };
  const hyper = plan.hyperparameters;
  const trainer =
    backend === 'onramp-cpu'
      ? await engineTrainer(engine!, mix.data, hyper, mix.sizes, events, undefined, model)
      : tfjsTrainer(backend, mix.data, hyper, mix.sizes, events, undefined, model);
  let outcome;
  try {
    outcome = await trainer.train(control);
    if (outcome === 'diverged' || outcome === 'contextLost')
      throw new Error(outcome === 'diverged' ? 'the loss diverged' : outcome);
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  if (outcome === 'stopped') {
    trainer.dispose();
    return undefined;
  }
  return trainer;
}
