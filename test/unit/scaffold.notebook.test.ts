// The Keras and PyTorch templates' notebook: made from train_mnist.py (one code cell a numbered step, after an
// explanation in English or Chinese), valid nbformat 4 whose code compiles with the real Python and is the
// script's code, with kernelspec metadata naming the project's .venv; ipykernel in requirements.txt.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookFromScript } from '../../src/extension/scaffold/notebook';
import { NOTEBOOK_FILE, writeTemplate } from '../../src/extension/scaffold/templates';
import { testPython } from './pythonFixtures';

const root = path.resolve(__dirname, '../..');
const templatesRoot = path.join(root, 'src/extension/scaffold/templates');

interface Notebook {
  cells: { cell_type: string; id: string; source: string[] }[];
  metadata: { kernelspec: { name: string; display_name: string; language: string } };
  nbformat: number;
  nbformat_minor: number;
}

describe('scaffold: the MNIST notebooks', () => {
  for (const [id, kind] of [
    ['keras-mnist', 'keras'],
    ['pytorch-mnist', 'torch'],
  ] as const) {
    const script = readFileSync(path.join(templatesRoot, id, 'train_mnist.py'), 'utf8');

    it(`${id}: one code cell per step of the script, the code unchanged, compiling with the real Python`, () => {
      const nb = JSON.parse(
        notebookFromScript({ script, kind, language: 'en', pythonVersion: '3.11.7' }),
      ) as Notebook;
      assert.equal(nb.nbformat, 4);
      assert.deepEqual(nb.metadata.kernelspec, {
        display_name: '.venv (Python 3.11.7)',
        language: 'python',
        name: 'python3',
      });
      assert.equal(new Set(nb.cells.map((c) => c.id)).size, nb.cells.length, 'unique cell ids');
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
      assert.equal(code.length, 7, 'imports and six steps');
      const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
      const body = script.replace(/^\s*"""[\s\S]*?"""\s*/, '');
      assert.equal(squash(code.join('\n')), squash(body));
      const headings = nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => c.source[0].trim());
      assert.equal(headings[0], kind === 'keras' ? '# MNIST with Keras' : '# MNIST with PyTorch');
      assert.deepEqual(
        headings.slice(2).map((h) => h.slice(0, 6)),
        ['## 1. ', '## 2. ', '## 3. ', '## 4. ', '## 5. ', '## 6. '],
      );
      execFileSync(testPython(), ['-c', 'import sys; compile(sys.stdin.read(), "notebook", "exec")'], {
        input: code.join('\n\n'),
      });
    });

    it(`${id}: explanations in Chinese for zh-cn, code the same`, () => {
      const en = JSON.parse(notebookFromScript({ script, kind, language: 'en' })) as Notebook;
      const zh = JSON.parse(notebookFromScript({ script, kind, language: 'zh-cn' })) as Notebook;
      const md = (nb: Notebook) =>
        nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => c.source.join(''));
      const code = (nb: Notebook) =>
        nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));
      assert.deepEqual(code(zh), code(en));
      for (const text of md(zh)) assert.match(text, /[\u4e00-\u9fff]/, text);
      assert.equal(zh.metadata.kernelspec.display_name, '.venv');
    });
  }

  it('writeTemplate writes the notebook only when asked, and the requirements name ipykernel', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'onramp-notebook-'));
    try {
      const withNotebook = path.join(tmp, 'with');
      const r = await writeTemplate({
        templatesRoot,
        id: 'pytorch-mnist',
        projectDir: withNotebook,
        notebook: { language: 'zh-cn', pythonVersion: '3.12.1' },
      });
      assert.ok(r.written.includes(NOTEBOOK_FILE));
      const nb = JSON.parse(readFileSync(path.join(withNotebook, NOTEBOOK_FILE), 'utf8')) as Notebook;
      assert.equal(nb.metadata.kernelspec.display_name, '.venv (Python 3.12.1)');
      const without = await writeTemplate({
        templatesRoot,
        id: 'data-science',
        projectDir: path.join(tmp, 'ds'),
        notebook: { language: 'en' },
      });
      assert.ok(!without.written.includes(NOTEBOOK_FILE));
      for (const id of ['keras-mnist', 'pytorch-mnist']) {
        const req = readFileSync(path.join(templatesRoot, id, 'requirements.txt'), 'utf8').split('\n');
        assert.ok(req.includes('ipykernel'), id);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
