/**
 * The panel's curves, drawn by the shared chart component (src/webview/charts): a loss card and an accuracy
 * card, train and validation series, the live run beside runs from the history.
 */
import { createChartPanel, type ChartPanel, type ExportFile, type ScalarPoint } from '../charts';
import type { CurvePoint, FineTuneOrigin, RunRecord } from '../../shared/protocol/training';
import type { Translate } from '../../shared/l10n/training';
import { runArchitecture } from '../../shared/runDiff';
import { architectureName } from './modelWords';
import { backendLabel, optimizerLabel } from './view';

/** A run's start as the run list says it (hours and minutes). */
const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export class Curves {
  private readonly panel: ChartPanel;
  private liveId?: string;
  private readonly historyIds = new Set<string>();

  constructor(
    host: HTMLElement,
    private readonly t: Translate,
    strings: Record<string, string>,
    onDownload: (file: ExportFile) => void,
    settings?: unknown,
    onSettingsChange?: (settings: unknown) => void,
  ) {
    this.panel = createChartPanel(host, {
      cards: [
        { tag: 'loss', title: t('loss') },
        { tag: 'accuracy', title: t('accuracy') },
      ],
      seriesOrder: ['train', 'validation'],
      strings: Object.fromEntries(
        Object.entries(strings)
          .filter(([k]) => k.startsWith('chart.'))
          .map(([k, v]) => [k.slice(6), v]),
      ),
      settings: (settings ?? undefined) as never,
      onSettingsChange: onSettingsChange as never,
      onDownload,
    });
  }

  /**
   * A run as the run list, the tooltip and an exported chart's legend name it: its model first (what the run
   * list has room for), then its start, optimizer, learning rate, batch and backend.
   */
  static runLabel(run: RunRecord, t: Translate): string {
    const h = run.hyperparameters;
    const lr = h.schedule === 'cosine' ? t('runLabelCosine', h.learningRate) : String(h.learningRate);
    const label = t(
      'runLabelModel',
      architectureName(t, runArchitecture(run)),
      t(
        'runLabel',
        clock(run.startedAt),
        optimizerLabel(h.optimizer),
        lr,
        h.batchSize,
        backendLabel(run.backend, t),
      ),
    );
    return run.fineTune ? t('runLabelModel', Curves.fineTuneName(run.fineTune, t), label) : label;
  }

  /** What a fine-tune is of (the run by its start, as the run list says it, or the model file) and on how much. */
  static fineTuneName(origin: FineTuneOrigin, t: Translate): string {
    if (origin.of) return t('runLabelFineTuneOfRun', clock(origin.of.startedAt), origin.examples);
    if (origin.ofFile !== undefined) return t('runLabelFineTuneOfFile', origin.ofFile, origin.examples);
    return t('runLabelFineTune', origin.examples);
  }

  startLive(run: RunRecord): void {
    this.liveId = run.id;
    this.panel.addRun({
      id: run.id,
      label: `${this.t('liveRun')}: ${Curves.runLabel(run, this.t)}`,
      live: true,
    });
  }

  appendTrain(step: number, wallTime: number, loss: number, accuracy: number): void {
    if (!this.liveId) return;
    this.panel.append(this.liveId, 'loss', 'train', [{ step, wallTime, value: loss }]);
    this.panel.append(this.liveId, 'accuracy', 'train', [{ step, wallTime, value: accuracy }]);
  }

  appendValidation(step: number, wallTime: number, loss: number, accuracy: number): void {
    if (!this.liveId) return;
    this.panel.append(this.liveId, 'loss', 'validation', [{ step, wallTime, value: loss }]);
    this.panel.append(this.liveId, 'accuracy', 'validation', [{ step, wallTime, value: accuracy }]);
  }

  /** Shows finished runs from the history (hidden at first, so the live run stays readable). */
  showHistory(runs: readonly RunRecord[]): void {
    const points = (c: CurvePoint[]): ScalarPoint[] => c.map((p) => ({ ...p, value: p.value ?? NaN }));
    for (const run of runs) {
      if (run.id === this.liveId) continue;
      const known = this.historyIds.has(run.id);
      this.historyIds.add(run.id);
      if (!known) this.panel.addRun({ id: run.id, label: Curves.runLabel(run, this.t), visible: false });
      this.panel.setSeries(run.id, 'loss', 'train', points(run.curves.trainLoss));
      this.panel.setSeries(run.id, 'accuracy', 'train', points(run.curves.trainAccuracy));
      this.panel.setSeries(run.id, 'loss', 'validation', points(run.curves.valLoss));
      this.panel.setSeries(run.id, 'accuracy', 'validation', points(run.curves.valAccuracy));
    }
  }

  endLive(): void {
    this.panel.flush();
  }
}
