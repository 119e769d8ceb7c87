import * as vscode from 'vscode';
import {
  BACKENDS,
  OPTIMIZERS,
  type BackendChoice,
  type Hyperparameters,
  type OptimizerName,
} from '../protocol';

/** The article's settings, also the declared defaults of `aiOnramp.training.*`. */
export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  epochs: 5,
  batchSize: 32,
  learningRate: 0.001,
  optimizer: 'adam',
  backend: 'auto',
};

/** Reads `aiOnramp.training.*`; a value out of range (hand-edited settings.json) falls back to the default. */
export function readHyperparameters(): Hyperparameters {
  const c = vscode.workspace.getConfiguration('aiOnramp.training');
  const int = (key: 'epochs' | 'batchSize', min: number, max: number) => {
    const v = c.get<number>(key);
    return Number.isInteger(v) && v! >= min && v! <= max ? v! : DEFAULT_HYPERPARAMETERS[key];
  };
  const lr = c.get<number>('learningRate');
  const optimizer = c.get<string>('optimizer');
  const backend = c.get<string>('backend');
  return {
    epochs: int('epochs', 1, 50),
    batchSize: int('batchSize', 1, 1024),
    learningRate:
      typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= 1
        ? lr
        : DEFAULT_HYPERPARAMETERS.learningRate,
    optimizer: OPTIMIZERS.includes(optimizer as OptimizerName)
      ? (optimizer as OptimizerName)
      : DEFAULT_HYPERPARAMETERS.optimizer,
    backend:
      backend === 'auto' || BACKENDS.includes(backend as never)
        ? (backend as BackendChoice)
        : DEFAULT_HYPERPARAMETERS.backend,
  };
}
