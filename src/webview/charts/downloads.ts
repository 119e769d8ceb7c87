/** The files a panel's downloads produce: a series as CSV or JSON, a card as PNG or SVG, and the PNG copy. */
import { exportFileName, seriesToCsv, seriesToJson } from './export';
import type { ExportFile, ScalarPoint } from './types';

/** One series as TensorBoard's CSV or JSON download, named `<run>_<series>_<tag>.<ext>`. */
export function seriesFile(
  points: readonly ScalarPoint[],
  run: string,
  series: string,
  tag: string,
  format: 'csv' | 'json',
): ExportFile {
  return format === 'csv'
    ? {
        filename: exportFileName(run, series, tag, 'csv'),
        mime: 'text/csv',
        content: seriesToCsv(points),
        encoding: 'utf8',
      }
    : {
        filename: exportFileName(run, series, tag, 'json'),
        mime: 'application/json',
        content: seriesToJson(points),
        encoding: 'utf8',
      };
}

/** A card's image file: `content` is base64 PNG or SVG text. */
export function imageFile(title: string, format: 'png' | 'svg', content: string): ExportFile {
  return format === 'png'
    ? { filename: exportFileName(title, '', '', 'png'), mime: 'image/png', content, encoding: 'base64' }
    : { filename: exportFileName(title, '', '', 'svg'), mime: 'image/svg+xml', content, encoding: 'utf8' };
}

/** A canvas as base64 PNG without the `data:` prefix. */
export function canvasPngBase64(canvas: HTMLCanvasElement): string {
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/** Copies a canvas to the clipboard as PNG; resolves false when the clipboard refuses or is missing. */
export async function copyCanvasPng(canvas: HTMLCanvasElement): Promise<boolean> {
  try {
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'),
    );
    if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('no clipboard');
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
    return true;
  } catch {
    return false;
  }
}
