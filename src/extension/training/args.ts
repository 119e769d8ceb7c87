import { HYPERPARAMETER_KEYS, hyperparameterError, type Hyperparameters } from '../../shared/hyperparameters';
import { INSIDE_VIEWS, type InsideView } from '../../shared/protocol/training';

/** Optional arguments of `aiOnramp.openTrainingPanel` (host tests, walkthrough links). */
export interface OpenTrainingPanelArgs extends Partial<Hyperparameters> {
  trainSamples?: number;
  testSamples?: number;
  /** Start training as soon as the page is ready. */
  autoStart?: boolean;
  /** Open this look-inside view on its tab (the walkthrough step "What did the network learn?" links to it). */
  show?: InsideView;
}

/**
 * Validates command arguments; anything unexpected is an error (commands can be invoked from links). The
 * hyperparameters are checked against the same schema as the settings and the panel's fields, so a start
 * the command lets through is one the page takes.
 */
export function parseOpenArgs(value: unknown): OpenTrainingPanelArgs | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('arguments must be an object');
  const { trainSamples, testSamples, autoStart, show, ...hyper } = value as Record<string, unknown>;
  const known: readonly string[] = HYPERPARAMETER_KEYS;
  const unknown = Object.keys(hyper).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(', ')}`);
  const error = hyperparameterError(hyper, true);
  if (error !== undefined) throw new Error(error);
  const count = (v: unknown, max: number, name: string) => {
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max)
      throw new Error(`${name} must be 1–${max}`);
    return v as number;
  };
  if (autoStart !== undefined && typeof autoStart !== 'boolean')
    throw new Error('autoStart must be true or false');
  if (show !== undefined && !INSIDE_VIEWS.includes(show as InsideView))
    throw new Error(`show must be one of ${INSIDE_VIEWS.join(', ')}`);
  return {
    ...(hyper as Partial<Hyperparameters>),
    trainSamples: count(trainSamples, 55_000, 'trainSamples'),
    testSamples: count(testSamples, 10_000, 'testSamples'),
    autoStart: autoStart as boolean | undefined,
    ...(show !== undefined && { show: show as InsideView }),
  };
}
