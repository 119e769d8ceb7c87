import * as vscode from 'vscode';
import {
  BACKENDS,
  LR_SCHEDULES,
  OPTIMIZERS,
  type BackendChoice,
  type Hyperparameters,
  type LearningRateSchedule,
  type OptimizerName,
} from '../../shared/protocol/training';
import { DEFAULT_HYPERPARAMETERS } from './defaults';

export { DEFAULT_HYPERPARAMETERS };

/** Reads `aiOnramp.training.*`; a value out of range (hand-edited settings.json) falls back to the default. */
export function readHyperparameters(): Hyperparameters {
  const c = vscode.workspace.getConfiguration('aiOnramp.training');
  const int = (key: 'epochs' | 'batchSize', min: number, max: number) => {
    const v = c.get<number>(key);
    return Number.isInteger(v) && v! >= min && v! <= max ? v! : DEFAULT_HYPERPARAMETERS[key];
  };
  const lr = c.get<number>('learningRate');
  const schedule = c.get<string>('learningRateSchedule');
  const optimizer = c.get<string>('optimizer');
  const backend = c.get<string>('backend');
  return {
    epochs: int('epochs', 1, 50),
    batchSize: int('batchSize', 1, 1024),
    learningRate:
      typeof lr === 'number' && Number.isFinite(lr) && lr > 0 && lr <= 1
        ? lr
        : DEFAULT_HYPERPARAMETERS.learningRate,
    schedule: LR_SCHEDULES.includes(schedule as LearningRateSchedule)
      ? (schedule as LearningRateSchedule)
      : DEFAULT_HYPERPARAMETERS.schedule,
    optimizer: OPTIMIZERS.includes(optimizer as OptimizerName)
      ? (optimizer as OptimizerName)
      : DEFAULT_HYPERPARAMETERS.optimizer,
    backend:
      backend === 'auto' || BACKENDS.includes(backend as never)
        ? (backend as BackendChoice)
        : DEFAULT_HYPERPARAMETERS.backend,
  };
}
