// The project templates: folders of real files (src/scaffold/templates/, shipped as dist/templates/), written
// into a new project without ever overwriting a file that is already there.
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pipInstallCommand } from '../python/indexes';
import { notebookFromScript, type NotebookLanguage } from './notebook';

export const TEMPLATE_IDS = ['keras-mnist', 'pytorch-mnist', 'data-science'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateInfo {
  readonly id: TemplateId;
  /** The file to open after the project is created. */
  readonly mainFile: string;
}

export const TEMPLATES: Readonly<Record<TemplateId, TemplateInfo>> = {
  'keras-mnist': { id: 'keras-mnist', mainFile: 'train_mnist.py' },
  'pytorch-mnist': { id: 'pytorch-mnist', mainFile: 'train_mnist.py' },
  'data-science': { id: 'data-science', mainFile: 'starter.ipynb' },
};

export function isTemplateId(value: unknown): value is TemplateId {
  return typeof value === 'string' && (TEMPLATE_IDS as readonly string[]).includes(value);
}

/** The notebook the Keras and PyTorch templates get next to train_mnist.py. */
export const NOTEBOOK_FILE = 'train_mnist.ipynb';

/** Files every template gets; stored without their leading dot so that no tool treats them as its own. */
const COMMON_RENAMES: Readonly<Record<string, string>> = { gitignore: '.gitignore' };

/** `.vscode/settings.json`: the Python extension picks the project's venv without asking. */
export function workspaceSettings(platform: NodeJS.Platform): string {
  const interpreter =
    platform === 'win32'
      ? '${workspaceFolder}\\.venv\\Scripts\\python.exe'
      : '${workspaceFolder}/.venv/bin/python';
  return (
    JSON.stringify(
      {
        'python.defaultInterpreterPath': interpreter,
        'python.terminal.activateEnvironment': true,
        'files.exclude': { '**/__pycache__': true },
      },
      null,
      2,
    ) + '\n'
  );
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

export interface WrittenTemplate {
  /** Paths relative to the project, with "/" separators. */
  readonly written: readonly string[];
  /** Files that already existed and were left as they were. */
  readonly kept: readonly string[];
}

/**
 * Writes template `id` into `projectDir` (created if needed). Existing files are kept, never overwritten: a
 * user who points this at a folder with their own work loses nothing.
 */
export async function writeTemplate(options: {
  readonly templatesRoot: string;
  readonly id: TemplateId;
  readonly projectDir: string;
  readonly platform?: NodeJS.Platform;
  /** The package index the install uses (`aiOnramp.python.indexUrl`): the README's pip command names it too. */
  readonly indexUrl?: string;
  /** Lines that go first in requirements.txt (PyTorch's CPU index; see torchRequirementLines). */
  readonly requirementsHead?: readonly string[];
  /** Keras and PyTorch: also write train_mnist.ipynb (the script as a notebook) in this language. */
  readonly notebook?: { readonly language: NotebookLanguage; readonly pythonVersion?: string };
  /**
   * Files generated for this project ("Open as a Python project"): written in place of the template's files of
   * the same name (README.md) and beside the others; the template files in `omit`, and the notebook, are not
   * written.
   */
  readonly generated?: {
    readonly files: readonly { readonly name: string; readonly content: string }[];
    readonly omit: readonly string[];
  };
}): Promise<WrittenTemplate> {
  const { templatesRoot, id, projectDir } = options;
  const written: string[] = [];
  const kept: string[] = [];
  await mkdir(projectDir, { recursive: true });
  const put = async (rel: string, write: (dest: string) => Promise<void>): Promise<void> => {
    const dest = path.join(projectDir, ...rel.split('/'));
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await write(dest);
      written.push(rel);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      kept.push(rel);
    }
  };
  const templateDir = path.join(templatesRoot, id);
  const generated = new Map((options.generated?.files ?? []).map((f) => [f.name, f.content]));
  for (const rel of await listFiles(templateDir)) {
    const source = path.join(templateDir, ...rel.split('/'));
    if (options.generated?.omit.includes(rel) || generated.has(rel)) continue;
    if (rel === 'README.md') {
      const text = withPipCommand(await readFile(source, 'utf8'), options.indexUrl);
      await put(rel, (dest) => writeFile(dest, text, { flag: 'wx' }));
    } else if (rel === 'requirements.txt' && options.requirementsHead?.length) {
      const text = [...options.requirementsHead, await readFile(source, 'utf8')].join('\n');
      await put(rel, (dest) => writeFile(dest, text, { flag: 'wx' }));
    } else await put(rel, (dest) => copyFile(source, dest, constants.COPYFILE_EXCL));
  }
  for (const [rel, content] of generated) {
    const text = rel === 'README.md' ? withPipCommand(content, options.indexUrl) : content;
    await put(rel, (dest) => writeFile(dest, text, { flag: 'wx' }));
  }
  const notebookKind = id === 'keras-mnist' ? 'keras' : id === 'pytorch-mnist' ? 'torch' : undefined;
  if (options.notebook && notebookKind && !options.generated) {
    const script = await readFile(path.join(templateDir, 'train_mnist.py'), 'utf8');
    const text = notebookFromScript({ script, kind: notebookKind, ...options.notebook });
    await put(NOTEBOOK_FILE, (dest) => writeFile(dest, text, { flag: 'wx' }));
  }
  const commonDir = path.join(templatesRoot, 'common');
  for (const rel of await listFiles(commonDir)) {
    await put(COMMON_RENAMES[rel] ?? rel, (dest) =>
      copyFile(path.join(commonDir, ...rel.split('/')), dest, constants.COPYFILE_EXCL),
    );
  }
  await put('.vscode/settings.json', (dest) =>
    writeFile(dest, workspaceSettings(options.platform ?? process.platform), { flag: 'wx' }),
  );
  return { written, kept };
}

/** The template READMEs' reinstall line, written with the index the project was installed from. */
export const README_PIP_LINE = pipInstallCommand(undefined);

export function withPipCommand(readme: string, indexUrl: string | undefined): string {
  return readme.split(README_PIP_LINE).join(pipInstallCommand(indexUrl));
}
