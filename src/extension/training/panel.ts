import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { webviewPageHtml, webviewPanelOptions } from '../webview/webviewPage';
import { WebviewHost, type HostHandled, type PageMessages } from '../webview/webviewHost';
import {
  isBackendMeasurement,
  parseWebviewMessage,
  type BackendMeasurement,
  type HostMessage,
  type RunRecord,
  type TrainingPageConfig,
  type WebviewMessage,
} from '../../shared/protocol/training';
import type { RunHistory } from './history';
import { walkthroughTicks } from './walkthroughTicks';
import { architectureSummary, runArchitecture } from '../../shared/runDiff';
import { readHyperparameters } from './settings';
import { handleModelFilesMessage } from './modelFiles';
import { handlePythonProjectMessage } from './pythonProject';
import { markInsideViewOpened } from './insideViews';
import { ExampleStore, handleExamplesMessage } from '../examples';
import { translatedStrings } from './strings';
import type { OpenTrainingPanelArgs } from './args';

export const VIEW_TYPE = 'aiOnramp.training';
/** globalState key of Automatic's last backend measurement (the page decides whether it still holds). */
const MEASUREMENT_KEY = 'aiOnramp.training.backendMeasurement';

/** The training page's messages as the host reads them: its name in the log and its protocol's validator. */
export const TRAINING_PAGE_MESSAGES: PageMessages<WebviewMessage> = {
  name: 'Training panel',
  parse: parseWebviewMessage,
};

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return webviewPanelOptions(extensionUri, { retainContextWhenHidden: true });
}

export function renderHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  state: unknown,
  stored: { extensionVersion?: string; backendMeasurement?: BackendMeasurement } = {},
): string {
  const asset = (...path: string[]) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const config: TrainingPageConfig = {
    data: {
      trainImages: asset('dist', 'data', 'train-images.idx.gz'),
      trainLabels: asset('dist', 'data', 'train-labels.idx.gz'),
      testImages: asset('dist', 'data', 'test-images.idx.gz'),
      testLabels: asset('dist', 'data', 'test-labels.idx.gz'),
    },
    wasmPrefix: asset('dist', 'wasm') + '/',
    engine: existsSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'engine.worker.js').fsPath)
      ? {
          wasmUrl: asset('dist', 'engine', 'onramp-cpu.wasm'),
          relaxedWasmUrl: asset('dist', 'engine', 'onramp-cpu-relaxed.wasm'),
          workerUrl: asset('dist', 'webview', 'engine.worker.js'),
        }
      : undefined,
    hyperparameters: readHyperparameters(),
    strings: translatedStrings(),
    state,
    ...stored,
  };
  return webviewPageHtml(webview, extensionUri, {
    title: vscode.l10n.t('Train a neural network'),
    styles: [
      ['dist', 'webview', 'training.css'],
      ['media', 'training', 'training.css'],
    ],
    script: ['dist', 'webview', 'training.js'],
    data: { id: 'ai-onramp-config', value: config },
    wasmAndWorkers: true,
  });
}

/** The training panel: one at a time; restored after a reload by the serializer in index.ts. */
export class TrainingPanel {
  private static current: TrainingPanel | undefined;
  /** The ready handshake, the queue until then, validation, and chart exports (webview/webviewHost.ts). */
  private readonly host: WebviewHost<WebviewMessage, HostMessage>;
  private latestRun: RunRecord | undefined;
  /** The learner's drawn examples, in a file in global storage (src/extension/examples). */
  private readonly examples: ExampleStore;
  private readonly disposables: vscode.Disposable[] = [];
  /** Told of each run that finishes while this panel is open, or of a start the page refused (an Error). */
  private readonly finishedListeners = new Set<(run: RunRecord | Error) => void>();

  static createOrShow(services: Services, history: RunHistory, args?: OpenTrainingPanelArgs): TrainingPanel {
    let panel = TrainingPanel.current;
    if (panel) {
      panel.panel.reveal();
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        vscode.l10n.t('Train a neural network'),
        vscode.ViewColumn.Active,
        webviewOptions(services.context.extensionUri),
      );
      panel = new TrainingPanel(webviewPanel, services, history, undefined);
    }
    if (args?.show) panel.post({ type: 'showInsideView', view: args.show });
    if (args?.autoStart) {
      const { autoStart: _autoStart, show: _show, trainSamples, testSamples, ...hyperparameters } = args;
      panel.post({ type: 'start', hyperparameters, limits: { trainSamples, testSamples } });
    }
    return panel;
  }

  static revive(webviewPanel: vscode.WebviewPanel, services: Services, history: RunHistory, state: unknown) {
    webviewPanel.webview.options = webviewOptions(services.context.extensionUri);
    TrainingPanel.current?.panel.dispose();
    return new TrainingPanel(webviewPanel, services, history, state);
  }

  static get instance(): TrainingPanel | undefined {
    return TrainingPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    private readonly history: RunHistory,
    state: unknown,
  ) {
    TrainingPanel.current = this;
    const { context, log } = services;
    this.examples = new ExampleStore(context.globalStorageUri, log);
    const measurement = context.globalState.get<unknown>(MEASUREMENT_KEY);
    panel.webview.html = renderHtml(panel.webview, context.extensionUri, state, {
      extensionVersion: String(context.extension.packageJSON.version ?? 'unknown'),
      backendMeasurement: isBackendMeasurement(measurement) ? measurement : undefined,
    });
    this.host = new WebviewHost(
      panel,
      {
        ...TRAINING_PAGE_MESSAGES,
        onReady: async () => {
          this.post({ type: 'history', runs: await this.history.list() });
          this.post({ type: 'examples', examples: await this.examples.list() });
        },
        onMessage: (message) => this.handle(message),
        saveFolder: () => vscode.workspace.workspaceFolders?.[0]?.uri,
      },
      { log, untilReady: 'queue', retainContextWhenHidden: true },
    );
    this.disposables.push(
      this.host,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('aiOnramp.training')) {
          this.post({ type: 'settings', hyperparameters: readHyperparameters() });
        }
      }),
      panel.onDidDispose(() => this.onDisposed()),
    );
  }

  /** Sends a message, or queues it until the page says it is ready. */
  post(message: HostMessage): void {
    this.host.post(message);
  }

  /** The next run that finishes in this panel; rejected when the page refuses the start instead. */
  nextFinishedRun(): Promise<RunRecord> {
    return new Promise((resolve, reject) => {
      const listener = (run: RunRecord | Error) => {
        this.finishedListeners.delete(listener);
        if (run instanceof Error) reject(run);
        else resolve(run);
      };
      this.finishedListeners.add(listener);
    });
  }

  private async handle(message: Exclude<WebviewMessage, HostHandled>): Promise<void> {
    const { log, contextKeys } = this.services;
    switch (message.type) {
      case 'log':
        log[message.level](`Training panel: ${message.message}`);
        return;
      case 'backendMeasurement':
        await this.services.context.globalState.update(MEASUREMENT_KEY, message.measurement);
        log.info(
          `Training panel: kept the backend measurement for later panels (${message.measurement.key})`,
        );
        return;
      case 'startRefused': {
        const refused = vscode.l10n.t('The training panel did not start a run: {0}', message.error);
        log.warn(refused);
        void vscode.window.showWarningMessage(refused);
        this.finishedListeners.forEach((l) => l(new Error(refused)));
        return;
      }
      case 'runUpdate':
        this.latestRun = message.run;
        await this.history.save(message.run);
        return;
      case 'runFinished': {
        const run = message.run;
        this.latestRun = run;
        await this.history.save(run);
        const what = run.fineTune
          ? `Fine-tune ${run.id} of ${run.fineTune.of?.runId ?? run.fineTune.ofFile ?? 'the current model'} on ${run.fineTune.examples} example(s)`
          : `Training run ${run.id}`;
        log.info(
          `${what} ${run.status} on ${run.backend} (${architectureSummary(runArchitecture(run))}): ` +
            `${run.epochsCompleted} epoch(s), ` +
            `${Math.round(run.samplesPerSec)} samples/s, test accuracy ${run.testAccuracy ?? 'n/a'}`,
        );
        // The history is read once: it decides the ticks (set, never cleared) and goes to the page.
        const runs = await this.history.list();
        const ticks = walkthroughTicks(run, runs);
        if (ticks.trainedOnce) await contextKeys.set('aiOnramp.trainedOnce', true);
        if (ticks.comparedRuns) await contextKeys.set('aiOnramp.comparedRuns', true);
        this.finishedListeners.forEach((l) => l(run));
        // The page may be gone by now (a run that finished as its panel closed).
        this.post({ type: 'history', runs });
        return;
      }
      case 'saveModelFiles':
      case 'loadModelFiles':
        handleModelFilesMessage(message, log, (answer) => this.post(answer));
        return;
      case 'openPythonProject':
        handlePythonProjectMessage(message, log, (answer) => this.post(answer));
        return;
      case 'insideViewOpened': {
        const opened = await markInsideViewOpened(
          this.services.context.globalState,
          contextKeys,
          message.view,
        );
        log.info(
          `Training panel: opened the ${message.view} view (look-inside views opened: ${opened.join(', ')})`,
        );
        return;
      }
      default:
        await handleExamplesMessage(message, this.examples, log, (answer) => this.post(answer));
    }
  }

  private onDisposed(): void {
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
    this.disposables.forEach((d) => d.dispose());
    // Closing the panel ends the page and its training; keep the run as far as it got.
    const run = this.latestRun;
    if (run && run.status === 'running') {
      const stopped: RunRecord = { ...run, status: 'stopped', durationMs: Date.now() - run.startedAt };
      this.history.save(stopped).then(
        () => this.services.log.info(`Training run ${run.id} stopped: the panel was closed`),
        (e: Error) => this.services.log.error(`Training history: could not save ${run.id}: ${e.message}`),
      );
    }
  }
}
