/**
 * The training page's test hooks, in one place. The webview tests (test/webview/training*.ts, l10n.test.ts)
 * drive a real page in Chromium and read its state through `window.aiOnrampTraining`; nothing in the product
 * reads it. What they may read is listed here, and nowhere else puts test-only members on the app:
 * - `tf`: the tfjs instance the page trains with (its backend, `tf.memory()`, ops on the trained model);
 * - `trainer`: the last run's trainer (its model stays alive after the run);
 * - `run`: the run record as it goes;
 * - `fineTuneRun`: the record of the last fine-tune of Your examples, as it goes;
 * - `lastChoiceBasis`: how the last Automatic choice was made: measured now, a stored measurement, or neither.
 * Other members the tests read through the playground's test app (test/webview/apps/playgrounddemo), each
 * marked "test hook" where it is declared: `TrainingPanelHooks.evaluationCount` / `PlaygroundOptions
 * .evaluationCount` (evaluate on the first n test images only) and `LivePredictor.runs` (the throttle's count).
 * The outbox of a page outside VS Code (`window.aiOnrampOutbox`) belongs to the page's host link.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunRecord } from '../../shared/protocol/training';
import type { TrainingApp } from './app';
import type { Trainer } from './runner';

export interface TrainingTestHooks {
  readonly tf: typeof tf;
  readonly trainer?: Trainer;
  readonly run?: RunRecord;
  readonly fineTuneRun?: RunRecord;
  readonly lastChoiceBasis?: 'measured' | 'stored' | 'order';
}

declare global {
  interface Window {
    /** The running training page's test hooks (see testHooks.ts). */
    aiOnrampTraining?: TrainingTestHooks;
  }
}

export function installTestHooks(app: TrainingApp): void {
  window.aiOnrampTraining = {
    tf,
    get trainer() {
      return app.trainer;
    },
    get run() {
      return app.run;
    },
    get fineTuneRun() {
      return app.fineTuneRun;
    },
    get lastChoiceBasis() {
      return app.automatic.lastBasis;
    },
  };
}
