import * as vscode from 'vscode';
import {
  DEFAULT_HYPERPARAMETERS,
  HYPERPARAMETER_KEYS,
  HYPERPARAMETER_SETTINGS,
  isValidHyperparameter,
  type Hyperparameters,
} from '../../shared/hyperparameters';

export { DEFAULT_HYPERPARAMETERS };

/** Reads `aiOnramp.training.*`; a value the schema refuses (hand-edited settings.json) falls back to the default. */
export function readHyperparameters(): Hyperparameters {
  const c = vscode.workspace.getConfiguration('aiOnramp.training');
  const read = <K extends keyof Hyperparameters>(key: K): Hyperparameters[K] => {
    const v = c.get<unknown>(HYPERPARAMETER_SETTINGS[key]);
    return isValidHyperparameter(key, v) ? v : DEFAULT_HYPERPARAMETERS[key];
  };
  const out = {} as Record<keyof Hyperparameters, unknown>;
  for (const key of HYPERPARAMETER_KEYS) out[key] = read(key);
  return out as Hyperparameters;
}
