// The hyperparameters table of the TensorBoard-logs page: one row a run that has hyperparameters (the hparams
// plugin's, and the training panel's), their values and the latest value of each metric, the best row marked.
import type { ChartStrings } from '../charts';
import { PANEL_HPARAMS, PANEL_METRICS } from '../../shared/tensorboard/panelRuns';
import { type HParamValue, type RunSummary } from '../../shared/protocol/tensorboard';
import { chartPlacement, compareNames, type ChartPlacement } from '../../shared/tensorboard/tags';
import { format } from '../../shared/l10n/format';
import type { TensorBoardStrings } from '../../shared/l10n/tensorboard';
import { el } from '../common/dom';

function formatHParam(value: HParamValue | undefined): string {
  return value === undefined ? '' : String(value);
}

/** The words for the panel's hyperparameters (the names are the page's own, so they are translated). */
const PANEL_HPARAM_STRINGS: Readonly<Record<(typeof PANEL_HPARAMS)[number], keyof TensorBoardStrings>> = {
  epochs: 'hpEpochs',
  batch_size: 'hpBatchSize',
  learning_rate: 'hpLearningRate',
  schedule: 'hpSchedule',
  optimizer: 'hpOptimizer',
  model: 'hpModel',
  seed: 'hpSeed',
  backend: 'hpBackend',
  train_samples: 'hpTrainSamples',
};
const PANEL_METRIC_STRINGS: Readonly<Record<(typeof PANEL_METRICS)[number], keyof TensorBoardStrings>> = {
  test_accuracy: 'testAccuracy',
  test_loss: 'testLoss',
};
/** Names of the panel's optimizers and backends, as the training panel shows them. */
const PANEL_VALUE_NAMES: Readonly<Record<string, string>> = {
  adam: 'Adam',
  sgd: 'SGD',
  rmsprop: 'RMSprop',
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'tfjs CPU',
  'onramp-cpu': 'AI Onramp CPU',
};

function own<T extends object>(table: T, key: string): key is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, key);
}

/** Whether a lower value of a metric is the better one. */
function lowerIsBetter(name: string): boolean {
  return /loss|error|mse|mae|perplexity/i.test(name);
}

function formatMetric(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

/** What the table reads from the page. */
export interface HParamsSource {
  /** Every run the host listed, the panel's included. */
  runs(): readonly RunSummary[];
  /** The metric tags the hparams experiment compares runs by, when it names them. */
  experimentMetrics(): readonly string[] | undefined;
  /** The latest value of a run's tag (key `run\0tag`). */
  lastValue(key: string): number | undefined;
  /** The log folder's own name, for its run `.`. */
  folderName(): string;
  /** Where a run's tag is drawn (this makes its chart run, not its card). */
  place(run: string, tag: string): ChartPlacement;
}

export class HParamsTable {
  readonly section = el('section', 'tb-hparams');
  private readonly onlyDiffering = el('input');
  private readonly bestBy = el('select');
  private scheduled = false;

  constructor(
    private readonly strings: TensorBoardStrings,
    private readonly chartStrings: ChartStrings,
    private readonly source: HParamsSource,
  ) {
    this.section.hidden = true;
    this.onlyDiffering.type = 'checkbox';
    this.onlyDiffering.addEventListener('change', () => this.render());
    this.bestBy.setAttribute('aria-label', this.strings.bestBy);
    this.bestBy.addEventListener('change', () => this.render());
  }

  /** Renders at most every 100 ms while points stream in. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.render();
    }, 100);
  }

  /**
   * The runs that have hyperparameters (the hparams plugin's, and the training panel's), one row each:
   * their values, then the latest value of each metric (the experiment's, else every scalar of the run and
   * of its `train/` and `validation/`, less Keras's `batch_*` and `evaluation_*_vs_iterations` where the
   * run has the `epoch_*` they repeat), then the final values no chart draws (a panel run's test metrics).
   * "Only hyperparameters that differ" hides columns equal in every row; the best row for the chosen
   * metric (lowest for a loss or error, highest otherwise) is marked.
   */
  render(): void {
    const s = this.strings;
    const runs = this.source.runs();
    const experimentMetrics = this.source.experimentMetrics();
    const sessions = runs.filter((run) => run.hparams);
    this.section.hidden = sessions.length === 0;
    if (sessions.length === 0) return;
    const names = [...new Set(sessions.flatMap((run) => Object.keys(run.hparams ?? {})))].sort(compareNames);
    const same = (name: string) => sessions.every((r) => r.hparams?.[name] === sessions[0].hparams?.[name]);
    const shown = this.onlyDiffering.checked && sessions.length > 1 ? names.filter((n) => !same(n)) : names;
    const withPanel = sessions.some((r) => r.source === 'panel');
    const hparamLabel = (name: string) =>
      withPanel && own(PANEL_HPARAM_STRINGS, name) ? s[PANEL_HPARAM_STRINGS[name]] : name;
    // Metric columns by key (`card\0series`, or `\0name` for a final value): label, order, value per row.
    const columns = new Map<string, { label: string; lower: boolean; values: Map<string, number> }>();
    const column = (key: string, label: string, lower: boolean) => {
      let found = columns.get(key);
      if (!found) columns.set(key, (found = { label, lower, values: new Map() }));
      return found;
    };
    for (const session of sessions) {
      const members = runs.filter(
        (run) => run.name === session.name || this.chartRunOf(run) === session.name,
      );
      const runTags = new Set(members.flatMap((run) => run.tags.map((tag) => `${run.name}\0${tag}`)));
      for (const run of members) {
        for (const tag of run.tags) {
          const place = this.source.place(run.name, tag);
          if (experimentMetrics && !experimentMetrics.includes(tag)) continue;
          const repeated = /^batch_(.+)$/.exec(tag)?.[1] ?? /^evaluation_(.+)_vs_iterations$/.exec(tag)?.[1];
          if (repeated !== undefined && runTags.has(`${run.name}\0epoch_${repeated}`)) continue;
          const value = this.source.lastValue(`${run.name}\0${tag}`);
          if (value === undefined) continue;
          const label =
            place.series === 'train' ? place.card : `${place.card} (${this.seriesName(place.series)})`;
          column(`${place.card}\0${place.series}`, label, lowerIsBetter(place.card)).values.set(
            session.name,
            value,
          );
        }
      }
      for (const [name, value] of Object.entries(session.metrics ?? {})) {
        const label =
          session.source === 'panel' && own(PANEL_METRIC_STRINGS, name)
            ? s[PANEL_METRIC_STRINGS[name]]
            : name;
        column(`\0${name}`, label, lowerIsBetter(name)).values.set(session.name, value);
      }
    }
    // Charted metrics by name, then the final values.
    const keys = [...columns.keys()].sort(
      (a, b) => Number(a.startsWith('\0')) - Number(b.startsWith('\0')) || compareNames(a, b),
    );
    const chosen = this.bestBy.value;
    const noMetric = el('option', undefined, s.noMetric);
    noMetric.value = '';
    this.bestBy.replaceChildren(
      noMetric,
      ...keys.map((key) => {
        const option = el('option', undefined, columns.get(key)?.label);
        option.value = key;
        return option;
      }),
    );
    // By default a loss: the validation one where there is one (what a run is judged by), then any.
    const losses = keys.filter((key) => columns.get(key)?.lower);
    this.bestBy.value = keys.includes(chosen)
      ? chosen
      : (losses.find((key) => key.endsWith('\0validation')) ?? losses[0] ?? '');
    let best: string | undefined;
    const picked = columns.get(this.bestBy.value);
    if (picked) {
      for (const [run, value] of picked.values) {
        if (!Number.isFinite(value)) continue;
        const current = best === undefined ? undefined : picked.values.get(best);
        if (current === undefined || (picked.lower ? value < current : value > current)) best = run;
      }
    }
    const table = el('table');
    const head = el('tr');
    for (const label of [
      s.hparamsRun,
      ...shown.map(hparamLabel),
      ...keys.map((k) => columns.get(k)?.label ?? k),
    ])
      head.append(el('th', undefined, label));
    table.append(el('thead'), el('tbody'));
    table.tHead?.append(head);
    for (const session of sessions) {
      const row = el('tr');
      row.dataset.run = session.name;
      if (session.source === 'panel') row.classList.add('tb-panel-run');
      const name = el('td', undefined, this.sessionLabel(session));
      if (session.name === best) {
        row.classList.add('tb-best');
        name.append(' ', el('span', 'tb-best-marker', `★ ${s.bestMarker}`));
      }
      row.append(name);
      for (const n of shown) row.append(el('td', undefined, this.formatHParam(session, n)));
      for (const key of keys) {
        const value = columns.get(key)?.values.get(session.name);
        row.append(el('td', 'tb-number', value === undefined ? '' : formatMetric(value)));
      }
      table.tBodies[0].append(row);
    }
    const differing = el('label', 'tb-meta');
    differing.append(this.onlyDiffering, ` ${s.onlyDiffering}`);
    const bestLabel = el('label', 'tb-meta');
    bestLabel.append(`${s.bestBy} `, this.bestBy);
    const controls = el('div', 'tb-hparams-controls');
    controls.append(differing, bestLabel);
    this.section.replaceChildren(el('h2', undefined, s.hparams), controls, table);
  }

  private chartRunOf(run: RunSummary): string | undefined {
    return run.tags.length > 0 ? chartPlacement(run.name, run.tags[0]).chartRun : undefined;
  }

  private sessionLabel(session: RunSummary): string {
    if (session.source === 'panel' && session.label !== undefined)
      return format(this.strings.panelRun, session.label);
    return session.name === '.' ? this.source.folderName() : session.name;
  }

  /** A value as the table shows it; the panel's schedules in words, its optimizers and backends by name. */
  private formatHParam(session: RunSummary, name: string): string {
    const value = session.hparams?.[name];
    if (session.source !== 'panel' || typeof value !== 'string') return formatHParam(value);
    if (name === 'schedule' && value === 'cosine') return this.strings.scheduleCosine;
    if (name === 'schedule' && value === 'constant') return this.strings.scheduleConstant;
    return own(PANEL_VALUE_NAMES, value) ? PANEL_VALUE_NAMES[value] : value;
  }

  private seriesName(series: string): string {
    if (series === 'train') return this.chartStrings.seriesTrain;
    if (series === 'validation') return this.chartStrings.seriesValidation;
    return series;
  }
}
