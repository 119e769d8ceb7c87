import type { Services } from '../common/services';

export function registerScaffold(_services: Services): void {
  // Filled in by its own issue.
}
