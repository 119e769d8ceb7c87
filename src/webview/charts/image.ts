/** A card as an image file: a PNG canvas or an SVG drawn from the same data, scales and ticks. */
import type uPlot from 'uplot';
import type { DrawnLine } from './cardHost';
import type { ChartTheme } from './theme';

/** What an image of a card is made from. */
export interface CardImage {
  readonly title: string;
  readonly theme: ChartTheme;
  /** Plot height in CSS pixels when there is no plot yet. */
  readonly cardHeight: number;
  readonly plot: uPlot | null;
  readonly lines: readonly DrawnLine[];
}

/** The card as a canvas: background, title, the plot and a legend of the drawn runs. */
export function cardCanvas(card: CardImage): HTMLCanvasElement {
  const theme = card.theme;
  const dpr = window.devicePixelRatio || 1;
  const src = card.plot?.ctx.canvas;
  const w = src ? src.width : Math.round(400 * dpr);
  const plotH = src ? src.height : Math.round(card.cardHeight * dpr);
  const pad = Math.round(8 * dpr);
  const titleH = Math.round(theme.fontSize * 1.8 * dpr);
  const rowH = Math.round(theme.fontSize * 1.6 * dpr);
  const font = theme.font.replace(/^([\d.]+)px/, (_m, px: string) => `${Math.round(Number(px) * dpr)}px`);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  // Lay the legend out first (wrapping to the card's width) to know the canvas height.
  ctx.font = font;
  const entries: { line: DrawnLine; label: string; x: number; row: number }[] = [];
  let x = pad;
  let row = 0;
  for (const line of card.lines) {
    const label = `${line.run.label} ${line.data.series}`.trim();
    const width = 20 * dpr + ctx.measureText(label).width + 14 * dpr;
    if (x > pad && x + width > w - pad) {
      x = pad;
      row++;
    }
    entries.push({ line, label, x, row });
    x += width;
  }
  canvas.width = w;
  canvas.height = titleH + plotH + (row + 1) * rowH + pad;
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = 'middle';
  ctx.font = theme.font.replace(/^[\d.]+px/, `bold ${Math.round(theme.fontSize * dpr)}px`);
  ctx.fillText(card.title, pad, titleH / 2);
  if (src) ctx.drawImage(src, 0, titleH);
  ctx.font = font;
  for (const e of entries) {
    const y = titleH + plotH + e.row * rowH + rowH / 2;
    ctx.strokeStyle = e.line.color;
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash((e.line.dash ?? []).map((v) => v * dpr));
    ctx.beginPath();
    ctx.moveTo(e.x, y);
    ctx.lineTo(e.x + 16 * dpr, y);
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    ctx.fillText(e.label, e.x + 20 * dpr, y);
  }
  return canvas;
}

/**
 * The card as SVG, drawn from the same data, scales and ticks as the canvas: title, axes with their
 * tick labels and grid, every line (the faint raw one under the smoothed one) and a legend.
 */
export function cardSvg(card: CardImage): string {
  const theme = card.theme;
  const u = card.plot;
  const width = u ? u.width : 400;
  const plotHeight = u ? u.height : card.cardHeight;
  const titleHeight = Math.round(theme.fontSize * 1.8);
  const rowHeight = Math.round(theme.fontSize * 1.6);
  const pad = 8;
  const esc = (text: string) =>
    text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
  const parts: string[] = [];
  // Legend entries, wrapped to the width (text measured roughly: 0.6 em a character).
  let x = pad;
  let row = 0;
  const legend: string[] = [];
  for (const line of card.lines) {
    const label = `${line.run.label} ${line.data.series}`.trim();
    const entryWidth = 34 + label.length * theme.fontSize * 0.6;
    if (x > pad && x + entryWidth > width - pad) {
      x = pad;
      row++;
    }
    const y = titleHeight + plotHeight + row * rowHeight + rowHeight / 2;
    const dash = line.dash?.length ? ` stroke-dasharray="${line.dash.join(' ')}"` : '';
    legend.push(
      `<line x1="${x}" y1="${y}" x2="${x + 16}" y2="${y}" stroke="${esc(line.color)}" stroke-width="2"${dash}/>`,
      `<text x="${x + 20}" y="${y}" dominant-baseline="middle">${esc(label)}</text>`,
    );
    x += entryWidth;
  }
  const height = titleHeight + plotHeight + (row + 1) * rowHeight + pad;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(theme.font.replace(/^[\d.]+px\s*/, ''))}" font-size="${theme.fontSize}" fill="${esc(theme.foreground)}">`,
    `<rect width="100%" height="100%" fill="${esc(theme.background)}"/>`,
    `<text x="${pad}" y="${titleHeight / 2}" dominant-baseline="middle" font-weight="bold">${esc(card.title)}</text>`,
  );
  if (u) {
    const dpr = window.devicePixelRatio || 1;
    const left = u.bbox.left / dpr;
    const top = titleHeight + u.bbox.top / dpr;
    const w = u.bbox.width / dpr;
    const h = u.bbox.height / dpr;
    // uPlot keeps the ticks it drew on each axis; the SVG shows the same ones.
    const ticks = (i: number) => u.axes[i] as unknown as { _splits?: number[]; _values?: string[] };
    const [xTicks, yTicks] = [ticks(0), ticks(1)];
    parts.push(`<g stroke="${esc(theme.grid)}" stroke-width="1">`);
    (xTicks._splits ?? []).forEach((v) => {
      const px = left + u.valToPos(v, 'x');
      if (px >= left - 0.5 && px <= left + w + 0.5)
        parts.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${top + h}"/>`);
    });
    (yTicks._splits ?? []).forEach((v) => {
      const py = top + u.valToPos(v, 'y');
      if (py >= top - 0.5 && py <= top + h + 0.5)
        parts.push(`<line x1="${left}" y1="${py}" x2="${left + w}" y2="${py}"/>`);
    });
    parts.push('</g>');
    (xTicks._splits ?? []).forEach((v, i) => {
      const px = left + u.valToPos(v, 'x');
      const label = xTicks._values?.[i];
      if (label && px >= left - 0.5 && px <= left + w + 0.5)
        parts.push(
          `<text x="${px}" y="${top + h + 6}" text-anchor="middle" dominant-baseline="hanging">${esc(String(label))}</text>`,
        );
    });
    (yTicks._splits ?? []).forEach((v, i) => {
      const py = top + u.valToPos(v, 'y');
      const label = yTicks._values?.[i];
      if (label && py >= top - 0.5 && py <= top + h + 0.5)
        parts.push(
          `<text x="${left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(String(label))}</text>`,
        );
    });
    parts.push(
      `<clipPath id="plot"><rect x="${left}" y="${top}" width="${w}" height="${h}"/></clipPath>`,
      `<g clip-path="url(#plot)" fill="none" stroke-linejoin="round">`,
    );
    const facets = u.data as unknown as ([ArrayLike<number>, ArrayLike<number | null>] | null)[];
    const path = (index: number) => {
      const facet = facets[index];
      if (!facet) return '';
      const [xs, ys] = facet;
      let d = '';
      let pen = false;
      for (let i = 0; i < xs.length; i++) {
        const y = ys[i];
        if (y === null || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${(left + u.valToPos(xs[i], 'x')).toFixed(1)} ${(top + u.valToPos(y, 'y')).toFixed(1)}`;
        pen = true;
      }
      return d;
    };
    for (const line of card.lines) {
      const dash = line.dash?.length ? ` stroke-dasharray="${line.dash.join(' ')}"` : '';
      const color = esc(line.color);
      if (line.rawIdx > 0) {
        parts.push(
          `<path d="${path(line.rawIdx)}" stroke="${color}" stroke-opacity="${theme.rawAlpha}" stroke-width="1"${dash}/>`,
        );
      }
      parts.push(
        `<path d="${path(line.smoothIdx)}" stroke="${color}" stroke-width="${theme.lineWidth}"${dash}/>`,
      );
    }
    parts.push('</g>');
  }
  parts.push(...legend, '</svg>');
  return parts.join('\n');
}
