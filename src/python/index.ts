import type { Services } from '../common/services';

export function registerPython(_services: Services): void {
  // Filled in by its own issue.
}
