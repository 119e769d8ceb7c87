// No vscode import here: unit tests read the defaults too. The values (and why they are what they are)
// live in the one hyperparameter schema.
export { DEFAULT_HYPERPARAMETERS } from '../../shared/hyperparameters';
