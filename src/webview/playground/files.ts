/**
 * The playground's files, through the host: "Save model to a folder" (the article model's tfjs files and .npz,
 * or another architecture's layers and weights, read back from the model only now), "Load a saved model" (of
 * any architecture the panel builds: its layers are read back from model.json),
 * and "Open as a Python project" (the newest run's layers and hyperparameters, followed from the host's
 * history and settings), with the host's answers matched to their requests.
 */
import { DEFAULT_HYPERPARAMETERS } from '../../shared/hyperparameters';
import type { PlaygroundTranslate } from '../../shared/l10n/playground';
import { ARTICLE_MODEL, type TrainedModel } from '../../shared/model';
import { architectureError } from '../../shared/protocol/architecture';
import type {
  HostMessage,
  PythonProjectModel,
  RunRecord,
  WebviewMessage,
} from '../../shared/protocol/training';
import { el } from '../common/dom';
import { exportFiles, exportModelFiles, fromBase64, loadModelFromFiles, toBase64 } from './export';
import type { Classifier } from './forward';

export class PlaygroundFiles {
  readonly status = el('p', { id: 'playground-file-status', role: 'status', 'aria-live': 'polite' });
  private pending = new Map<string, 'save' | 'load' | 'python'>();
  /**
   * What "Open as a Python project" sends: the newest run's layers and hyperparameters (from the host's
   * history), the settings before any run, Keras's defaults before either.
   */
  private projectModel: PythonProjectModel = {
    architecture: ARTICLE_MODEL,
    hyperparameters: DEFAULT_HYPERPARAMETERS,
  };
  private projectFromRun = false;
  private requestCount = 0;

  constructor(
    private readonly t: PlaygroundTranslate,
    private readonly post: (message: WebviewMessage) => void,
    private readonly classifier: () => Classifier | undefined,
    /** Takes a model loaded from files (its layers and weights); `name` is the model.json the user picked. */
    private readonly onLoaded: (model: TrainedModel, name: string) => void,
  ) {}

  private nextRequestId(kind: 'save' | 'load' | 'python'): string {
    const id = `${kind}-${Date.now().toString(36)}-${++this.requestCount}`;
    this.pending.set(id, kind);
    return id;
  }

  async save(): Promise<void> {
    const classifier = this.classifier();
    if (!classifier?.weights && !classifier?.readModel) return;
    this.status.textContent = this.t('saving');
    try {
      const files = classifier.weights
        ? await exportFiles(classifier.weights)
        : await exportModelFiles(await classifier.readModel!());
      this.post({
        type: 'saveModelFiles',
        requestId: this.nextRequestId('save'),
        files: files.map((f) => ({ name: f.name, content: toBase64(f.bytes) })),
      });
    } catch (e) {
      this.status.textContent = this.t('saveFailed', (e as Error).message);
    }
  }

  load(): void {
    this.post({ type: 'loadModelFiles', requestId: this.nextRequestId('load') });
  }

  /** "Open as a Python project": the host generates the scripts and runs New AI Project. */
  openPythonProject(): void {
    this.status.textContent = this.t('pythonOpening');
    this.post({
      type: 'openPythonProject',
      requestId: this.nextRequestId('python'),
      model: this.projectModel,
    });
  }

  /** Follows the runs and settings the page is told of (the page handles them too). */
  private followRuns(m: HostMessage): void {
    if (m.type === 'settings' && !this.projectFromRun) {
      this.projectModel = { ...this.projectModel, hyperparameters: m.hyperparameters };
    } else if (m.type === 'history') {
      const newest = m.runs
        .filter((r) => r.status === 'completed')
        .reduce<RunRecord | undefined>((a, r) => (a && a.startedAt > r.startedAt ? a : r), undefined);
      if (!newest) return;
      // Runs of the model lab carry their layers; runs before it trained the article's model.
      const layers = (newest as { architecture?: unknown }).architecture;
      const architecture =
        layers !== undefined && architectureError(layers) === undefined
          ? (layers as PythonProjectModel['architecture'])
          : ARTICLE_MODEL;
      this.projectModel = { architecture, hyperparameters: newest.hyperparameters };
      this.projectFromRun = true;
    }
  }

  /** Takes the host's answers to save/load/open; returns whether the message was one of them. */
  handleHostMessage(m: HostMessage): boolean {
    this.followRuns(m);
    if (m.type === 'pythonProjectOpened') {
      if (!this.pending.delete(m.requestId)) return true;
      this.status.textContent =
        m.outcome === 'created'
          ? this.t('pythonCreated', m.folder ?? '')
          : m.outcome === 'cancelled'
            ? this.t('cancelled')
            : this.t('pythonFailed', m.error ?? '');
      return true;
    }
    if (m.type !== 'modelFilesSaved' && m.type !== 'modelFilesLoaded') return false;
    if (!this.pending.delete(m.requestId)) return true;
    const t = this.t;
    if (m.type === 'modelFilesSaved') {
      this.status.textContent =
        m.outcome === 'saved'
          ? t('saved', 'model.json, model.weights.bin, weights.npz', m.folder ?? '')
          : m.outcome === 'cancelled'
            ? t('cancelled')
            : t('saveFailed', m.error ?? '');
      return true;
    }
    if (m.outcome !== 'loaded' || !m.files) {
      this.status.textContent = m.outcome === 'cancelled' ? t('cancelled') : t('loadFailed', m.error ?? '');
      return true;
    }
    const files = m.files.map((f) => ({ name: f.name, bytes: fromBase64(f.content) }));
    const name = m.source ?? files.find((f) => f.name.endsWith('.json'))?.name ?? 'model.json';
    // Taking the model builds it (tfjs) for another architecture: a failure there is a failed load too.
    loadModelFromFiles(files)
      .then((model) => {
        this.onLoaded(model, name);
        this.status.textContent = t('loaded', name);
      })
      .catch((e: Error) => {
        this.status.textContent = t('loadFailed', e.message);
      });
    return true;
  }
}
