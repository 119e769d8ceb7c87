// Renders the article's innovation model to SVG with MathJax at build time, so the walkthrough shows
// real typeset formulas instead of raw LaTeX (the walkthrough's SVG media is plain SVG: no script runs).
//   dist/walkthrough/innovation.svg              G' = f(G, Innovations)
//   dist/walkthrough/iteration.svg               f^(n+1) = f(f^(n), Innovations^(n))
//   dist/walkthrough/innovation-model.<lang>.svg both formulas with a legend, one per walkthroughs/<lang>/
// Glyphs are paths filled with currentColor and the root sets color to --vscode-foreground, so the
// formulas follow the theme. Skipped when the inputs (this script, the legends, MathJax) are unchanged.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const FORMULAS = {
  innovation: String.raw`G' = f(G,\ \mathit{Innovations})`,
  iteration: String.raw`f^{(n+1)} = f\bigl(f^{(n)},\ \mathit{Innovations}^{(n)}\bigr)`,
};
const LEGEND_SYMBOLS = {
  G: 'G',
  innovations: String.raw`\mathit{Innovations}`,
  f: 'f',
  gPrime: "G'",
  n: 'n',
};
const FG = 'var(--vscode-foreground, #cccccc)';
const DESC = 'var(--vscode-descriptionForeground, #9d9d9d)';
const ACCENT = 'var(--vscode-charts-blue, #3794ff)';
const FONT = 'var(--vscode-font-family, system-ui, sans-serif)';
// MathJax lays glyphs out in units of 1/1000 em; the composed SVG uses the same units.
const EM = 1000;

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function createRenderer() {
  const { mathjax } = require('mathjax-full/js/mathjax.js');
  const { TeX } = require('mathjax-full/js/input/tex.js');
  const { SVG } = require('mathjax-full/js/output/svg.js');
  const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
  const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
  const adaptor = liteAdaptor();
  RegisterHTMLHandler(adaptor);
  // fontCache 'none' inlines every glyph path: no <use> references that could clash once formulas are combined.
  const doc = mathjax.document('', {
    InputJax: new TeX({ packages: ['base'] }),
    OutputJax: new SVG({ fontCache: 'none' }),
  });
  /** Renders TeX to MathJax's <svg> and returns it with its viewBox numbers. */
  return (tex) => {
    const svg = adaptor.innerHTML(doc.convert(tex, { display: true }));
    const viewBox = /viewBox="([^"]+)"/.exec(svg);
    if (!viewBox) throw new Error(`MathJax gave no viewBox for ${tex}`);
    const [minX, minY, width, height] = viewBox[1].split(/\s+/).map(Number);
    const inner = svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>$/, '');
    if (/data-mjx-error|merror/.test(inner)) throw new Error(`MathJax could not render ${tex}`);
    return { svg, inner, minX, minY, width, height };
  };
}

/** A standalone formula: MathJax's SVG with its inline style removed (the walkthrough's CSP blocks it). */
function standalone(formula, label) {
  return (
    formula.svg
      .replace(/ style="[^"]*"/, '')
      .replace(/^<svg/, `<svg color="${FG}" aria-label="${esc(label)}"`) + '\n'
  );
}

/** Places a formula with its baseline at (x, y) in the composed SVG, scaled by `scale`. */
function place(formula, x, y, scale = 1) {
  return `<g transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) scale(${scale})">${formula.inner}</g>`;
}

function composed(render, legend, formulas) {
  const width = 16 * EM;
  const margin = 0.6 * EM;
  // One scale for both formulas, the largest at which the wider one still fits its frame.
  const scale = Math.min(
    1.3,
    (width - 2 * margin - 1.2 * EM) / Math.max(formulas.innovation.width, formulas.iteration.width),
  );
  const parts = [];
  let y = 1.2 * EM;
  parts.push(
    `<text x="${width / 2}" y="${y}" text-anchor="middle" font-size="${0.62 * EM}" font-weight="600">${esc(legend.title)}</text>`,
  );
  y += 0.6 * EM;
  for (const [key, caption] of [
    ['innovation', legend.innovationCaption],
    ['iteration', legend.iterationCaption],
  ]) {
    const f = formulas[key];
    const frameTop = y;
    const formulaTop = frameTop + 0.45 * EM;
    // MathJax draws around the baseline at y = 0, from minY (negative: above) to minY + height.
    const baseline = formulaTop - f.minY * scale;
    const captionY = formulaTop + f.height * scale + 0.75 * EM;
    const frameHeight = captionY + 0.45 * EM - frameTop;
    parts.push(
      `<rect x="${margin}" y="${frameTop.toFixed(1)}" width="${width - 2 * margin}" height="${frameHeight.toFixed(1)}" rx="${0.25 * EM}" fill="none" stroke="${ACCENT}" stroke-width="${0.04 * EM}"/>`,
    );
    parts.push(place(f, (width - f.width * scale) / 2 - f.minX * scale, baseline, scale));
    parts.push(
      `<text x="${width / 2}" y="${captionY.toFixed(1)}" text-anchor="middle" font-size="${0.42 * EM}" fill="${DESC}">${esc(caption)}</text>`,
    );
    y = frameTop + frameHeight + 0.4 * EM;
  }
  const symbolColumn = 3.6 * EM;
  for (const [key, meaning] of legend.symbols) {
    const tex = LEGEND_SYMBOLS[key];
    if (!tex)
      throw new Error(`Unknown legend symbol "${key}" (known: ${Object.keys(LEGEND_SYMBOLS).join(', ')})`);
    const sym = render(tex);
    const symScale = 0.8;
    y += 0.95 * EM;
    parts.push(place(sym, margin + symbolColumn - sym.width * symScale, y, symScale));
    parts.push(
      `<text x="${margin + symbolColumn + 0.3 * EM}" y="${y.toFixed(1)}" font-size="${0.42 * EM}">${esc(meaning)}</text>`,
    );
  }
  const height = y + 0.6 * EM;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height.toFixed(0)}" role="img" aria-labelledby="title" ` +
    `color="${FG}" fill="${FG}" font-family="${FONT}">\n` +
    `<title id="title">${esc(legend.alt)}</title>\n` +
    parts.join('\n') +
    '\n</svg>\n'
  );
}

function readLegends(root) {
  const base = join(root, 'walkthroughs');
  const legends = {};
  for (const lang of readdirSync(base)) {
    const file = join(base, lang, 'innovation-model.json');
    if (existsSync(file)) legends[lang] = { file, data: JSON.parse(readFileSync(file, 'utf8')) };
  }
  return legends;
}

export default async function buildFormulas({ root }) {
  const outDir = join(root, 'dist/walkthrough');
  const legends = readLegends(root);
  const mathjaxVersion = JSON.parse(
    readFileSync(require.resolve('mathjax-full/package.json'), 'utf8'),
  ).version;
  const stamp = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(mathjaxVersion)
    .update(JSON.stringify(Object.entries(legends).map(([lang, l]) => [lang, l.data])))
    .digest('hex');
  const stampFile = join(outDir, '.formulas-stamp');
  const outputs = [
    'innovation.svg',
    'iteration.svg',
    ...Object.keys(legends).map((l) => `innovation-model.${l}.svg`),
  ];
  if (
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    outputs.every((f) => existsSync(join(outDir, f)))
  ) {
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const render = createRenderer();
  const formulas = Object.fromEntries(Object.entries(FORMULAS).map(([k, tex]) => [k, render(tex)]));
  writeFileSync(join(outDir, 'innovation.svg'), standalone(formulas.innovation, "G' = f(G, Innovations)"));
  writeFileSync(
    join(outDir, 'iteration.svg'),
    standalone(formulas.iteration, 'f^(n+1) = f(f^(n), Innovations^(n))'),
  );
  for (const [lang, { data }] of Object.entries(legends)) {
    writeFileSync(join(outDir, `innovation-model.${lang}.svg`), composed(render, data, formulas));
  }
  writeFileSync(stampFile, stamp);
  console.log(`formulas: wrote ${outputs.length} SVGs to dist/walkthrough/`);
}

// `node scripts/build-formulas.mjs` builds them alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildFormulas({ root: join(fileURLToPath(import.meta.url), '../..') });
}
