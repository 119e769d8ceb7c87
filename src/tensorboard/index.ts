import type { Services } from '../common/services';

export function registerTensorBoardLogs(_services: Services): void {
  // Filled in by its own issue.
}
