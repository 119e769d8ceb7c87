/**
 * Test and bench page for the charts (test/webview/pages/charts.html): mounts a chart panel with data given
 * through `window` and exposes `window.chartsDemo` for Playwright. Not used by the extension itself.
 */
import {
  createChartPanel,
  smooth,
  type ChartPanel,
  type ChartPanelOptions,
  type ExportFile,
  type ScalarPoint,
} from '../../../../src/webview/charts';
import { mulberry32 } from '../../../../src/webview/engine/layout';

/** Deterministic pseudo-random numbers, so screenshots and figures repeat. */
const rng = mulberry32;

/** A noisy training curve: loss falling from ~2.3, accuracy rising to ~0.98, `rate` per run. */
function curve(
  kind: 'loss' | 'accuracy',
  points: number,
  seed: number,
  rate: number,
  offset = 0,
  start = 1_700_000_000,
): ScalarPoint[] {
  const r = rng(seed);
  const out: ScalarPoint[] = [];
  for (let i = 0; i < points; i++) {
    const step = i + 1;
    const base = Math.exp(-step * rate);
    const noise = (r() - 0.5) * 0.25 * (0.3 + base);
    const value =
      kind === 'loss' ? 0.05 + offset + 2.25 * base + noise : 0.98 - offset - 0.88 * base + noise * 0.3;
    out.push({ step, wallTime: start + step * (0.5 + seed * 0.05), value });
  }
  return out;
}

interface DemoApi {
  panel: ChartPanel | null;
  downloads: ExportFile[];
  settingsChanges: number;
  mount(options?: Partial<ChartPanelOptions>): ChartPanel;
  /** Three runs (one live), loss and accuracy, train and validation. */
  loadThreeRuns(points?: number): void;
  setTheme(kind: 'vscode-light' | 'vscode-dark' | 'vscode-high-contrast'): void;
  curve: typeof curve;
  bench(points?: number, repeats?: number): Promise<{ name: string; ms: number }[]>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Resolves after uPlot's deferred draw (it commits in a microtask) has run. */
const afterDraw = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const demo: DemoApi = {
  panel: null,
  downloads: [],
  settingsChanges: 0,
  mount(options = {}) {
    demo.panel?.dispose();
    const root = document.getElementById('charts');
    if (!root) throw new Error('#charts is missing');
    demo.panel = createChartPanel(root, {
      cards: [
        { tag: 'loss', title: 'Loss' },
        { tag: 'accuracy', title: 'Accuracy' },
      ],
      onDownload: (file) => demo.downloads.push(file),
      onSettingsChange: () => demo.settingsChanges++,
      ...options,
    });
    return demo.panel;
  },
  loadThreeRuns(points = 300) {
    const panel = demo.panel ?? demo.mount();
    const runs = [
      { id: 'run-1', label: 'run 1 (lr 0.01)', rate: 0.02, seed: 1 },
      { id: 'run-2', label: 'run 2 (lr 0.001)', rate: 0.008, seed: 2 },
      { id: 'run-3', label: 'run 3', rate: 0.012, seed: 3, live: true },
    ];
    for (const r of runs) {
      panel.addRun({ id: r.id, label: r.label, live: r.live });
      panel.setSeries(r.id, 'loss', 'train', curve('loss', points, r.seed, r.rate));
      panel.setSeries(r.id, 'accuracy', 'train', curve('accuracy', points, r.seed, r.rate));
      // Validation once per 50 steps, like an epoch end, on the same clock as training.
      const clock = curve('loss', points, r.seed, r.rate);
      const every = (p: ScalarPoint[]) =>
        p.map((q, i) => ({ ...q, wallTime: clock[i].wallTime })).filter((_, i) => (i + 1) % 50 === 0);
      panel.setSeries(r.id, 'loss', 'validation', every(curve('loss', points, r.seed + 10, r.rate, 0.08)));
      panel.setSeries(
        r.id,
        'accuracy',
        'validation',
        every(curve('accuracy', points, r.seed + 10, r.rate, 0.015)),
      );
    }
    panel.flush();
  },
  setTheme(kind) {
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(kind);
  },
  curve,
  async bench(points = 100_000, repeats = 15) {
    const values = curve('loss', points, 7, 0.0001).map((p) => p.value);
    const out = new Float64Array(points);
    const smoothMs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      smooth(values, 0.6 + i * 0.001, out);
      smoothMs.push(performance.now() - t);
    }

    const panel = demo.mount({ cards: [{ tag: 'loss', title: 'Loss' }] });
    panel.addRun({ id: 'big', label: 'big run', live: true });
    const train = curve('loss', points, 7, 0.0001);
    panel.setSeries('big', 'loss', 'train', train);
    // Validation every 1000 steps: a second line on other x values, so the lines are merged every frame.
    panel.setSeries(
      'big',
      'loss',
      'validation',
      train.filter((p) => p.step % 1000 === 0).map((p) => ({ ...p, value: p.value + 0.05 })),
    );
    panel.flush();
    await afterDraw();

    // Moving the smoothing slider: every point re-smoothed, the y range refitted, the chart redrawn.
    const sliderMs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      panel.setSettings({ smoothing: 0.5 + (i % 2) * 0.1 + i * 0.001 });
      panel.flush();
      await Promise.resolve();
      sliderMs.push(performance.now() - t);
      await afterDraw();
    }

    // A live frame: 100 new points appended to the 100k, then one redraw.
    const liveMs: number[] = [];
    let step = points;
    for (let i = 0; i < repeats; i++) {
      const batch: ScalarPoint[] = [];
      for (let k = 0; k < 100; k++) {
        step++;
        batch.push({ step, wallTime: 1_700_000_000 + step, value: 0.1 + Math.sin(step) * 0.01 });
      }
      const t = performance.now();
      panel.append('big', 'loss', 'train', batch);
      panel.flush();
      await Promise.resolve();
      liveMs.push(performance.now() - t);
      await afterDraw();
    }

    // Tooltip: nearest point among 100k.
    const hoverMs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      panel.hover('loss', 50 + i * 10, 60);
      hoverMs.push(performance.now() - t);
    }
    return [
      { name: `smooth ${points} points`, ms: median(smoothMs) },
      { name: `smoothing change + redraw, ${points} points`, ms: median(sliderMs) },
      { name: `live frame (append 100) + redraw, ${points} points`, ms: median(liveMs) },
      { name: `tooltip lookup, ${points} points`, ms: median(hoverMs) },
    ];
  },
};

(window as unknown as { chartsDemo: DemoApi }).chartsDemo = demo;
document.documentElement.dataset.ready = 'true';
