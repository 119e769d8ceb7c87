import type { Services } from '../common/services';

export function registerTrainingPanel(_services: Services): void {
  // Filled in by its own issue.
}
