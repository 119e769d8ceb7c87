/**
 * Colours and fonts from VS Code's theme variables. VS Code sets `--vscode-*` on `<html>` and the theme kind as a
 * class on `<body>` (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`);
 * fallbacks keep the charts readable on a plain page.
 */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ChartTheme {
  readonly kind: ThemeKind;
  /** One colour per run, in order; wraps around. */
  readonly palette: readonly string[];
  readonly foreground: string;
  readonly background: string;
  readonly grid: string;
  readonly font: string;
  readonly fontSize: number;
  /** Smoothed line width in CSS pixels; wider in high contrast. */
  readonly lineWidth: number;
  /** Opacity of the raw line behind the smoothed one. */
  readonly rawAlpha: number;
}

const paletteVars = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'];

// VS Code's own chart colours per theme kind (workbench defaults), then TensorBoard's extra run colours.
const fallbackPalettes: Record<ThemeKind, string[]> = {
  light: ['#1a85ff', '#d18616', '#388a34', '#e51400', '#652d90', '#bf8803'],
  dark: ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'],
  'high-contrast': ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#ffd700'],
  'high-contrast-light': ['#0f4a85', '#b5200d', '#388a34', '#b5200d', '#652d90', '#895503'],
};
const extraColours: Record<'light' | 'dark', string[]> = {
  light: ['#009988', '#ee3377', '#0077bb', '#7f7f7f'],
  dark: ['#33bbee', '#ee3377', '#44bb99', '#bbbbbb'],
};

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  if (c.contains('vscode-dark')) return 'dark';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function readTheme(): ChartTheme {
  const kind = themeKind();
  const style = getComputedStyle(document.body);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const dark = kind === 'dark' || kind === 'high-contrast';
  const fallback = fallbackPalettes[kind];
  const palette = paletteVars.map((name, i) => v(`--vscode-charts-${name}`) || fallback[i]);
  palette.push(...extraColours[dark ? 'dark' : 'light']);
  const fontSize = parseFloat(v('--vscode-font-size')) || 13;
  const family = v('--vscode-font-family') || 'system-ui, sans-serif';
  const foreground =
    v('--vscode-charts-foreground') || v('--vscode-foreground') || (dark ? '#cccccc' : '#3b3b3b');
  const highContrast = kind.startsWith('high-contrast');
  return {
    kind,
    palette,
    foreground,
    background:
      v('--vscode-editor-background') || v('--vscode-sideBar-background') || (dark ? '#1f1f1f' : '#ffffff'),
    grid: withAlpha(v('--vscode-charts-lines') || foreground, highContrast ? 0.5 : 0.15),
    font: `${Math.max(10, fontSize - 2)}px ${family}`,
    fontSize,
    lineWidth: highContrast ? 2.5 : 1.75,
    rawAlpha: highContrast ? 0.35 : dark ? 0.3 : 0.25,
  };
}

let probe: CanvasRenderingContext2D | null = null;

/** `color` (any CSS colour) with its alpha multiplied by `alpha`, as `rgba(…)`. */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000000';
  probe.fillStyle = color;
  const normal = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(normal);
  if (hex) {
    const [r, g, b] = hex.slice(1).map((h) => parseInt(h, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgba = /^rgba\(([^,]+),([^,]+),([^,]+),([^)]+)\)$/.exec(normal.replace(/\s/g, ''));
  if (rgba) return `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${Number(rgba[4]) * alpha})`;
  return color;
}

/** Calls `onChange` when VS Code switches theme (body class) or the variables change (html style). */
export function observeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
