// The walkthroughs as VS Code will read them: manifest strings, media files, command links and SVGs, in
// English and Simplified Chinese. Plain Node: the manifest is localised here the way VS Code does it
// (every whole-string `%key%` value is replaced from package.nls[.<locale>].json).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sax from 'sax';
import {
  openWalkthroughArgument,
  parseWalkthroughTarget,
  WALKTHROUGH_IDS,
} from '../../src/extension/walkthrough/targets';
import { parseOpenArgs } from '../../src/extension/training/args';
import type { Walkthrough, WalkthroughStep } from '../helpers/walkthroughManifest';

const root = join(__dirname, '../..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(root, file), 'utf8')) as T;

type Step = WalkthroughStep;
interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    walkthroughs: Walkthrough[];
  };
}

const rawManifest = readJson<Manifest>('package.json');
const nls = {
  en: readJson<Record<string, string>>('package.nls.json'),
  'zh-cn': readJson<Record<string, string>>('package.nls.zh-cn.json'),
};
type Lang = keyof typeof nls;
const LANGS = Object.keys(nls) as Lang[];

/** Every `%key%` string anywhere in the manifest, with where it is. */
function nlsReferences(value: unknown, where = '$'): { key: string; where: string }[] {
  if (typeof value === 'string') {
    const m = /^%(.+)%$/.exec(value);
    return m ? [{ key: m[1], where }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => nlsReferences(v, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => nlsReferences(v, `${where}.${k}`));
  }
  return [];
}

/** The manifest as VS Code shows it in `lang`: the locale's file first, English for keys it lacks. */
function localise<T>(value: T, lang: Lang): T {
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^%(.+)%$/.exec(v);
      return m ? (nls[lang][m[1]] ?? nls.en[m[1]] ?? v) : v;
    }
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(value) as T;
}

const walkthroughs = Object.fromEntries(
  LANGS.map((lang) => [lang, localise(rawManifest.contributes.walkthroughs, lang)]),
) as Record<Lang, Walkthrough[]>;
const declaredCommands = new Set(rawManifest.contributes.commands.map((c) => c.command));

/** Commands that VS Code itself (or an extension a step asks the user to install) provides. */
const EXTERNAL_COMMANDS: Record<string, string> = {
  'workbench.extensions.search': 'VS Code',
  'workbench.action.openWalkthrough': 'VS Code',
  'python.setInterpreter': 'ms-python.python',
};

const CJK = /[\u4e00-\u9fff]/;

function commandLinks(markdown: string): { command: string; args?: string; label: string }[] {
  return [...markdown.matchAll(/\[([^\]]*)\]\(command:([A-Za-z0-9_.-]+)(?:\?([^)\s]*))?\)/g)].map((m) => ({
    label: m[1],
    command: m[2],
    args: m[3],
  }));
}

function mediaPath(step: Step): string {
  const p = step.media.markdown ?? step.media.svg ?? step.media.image;
  assert.ok(p, `step ${step.id} has no media`);
  return p;
}

function allSteps(lang: Lang): { walkthrough: Walkthrough; step: Step }[] {
  return walkthroughs[lang].flatMap((walkthrough) =>
    walkthrough.steps.map((step) => ({ walkthrough, step })),
  );
}

function svgFiles(): string[] {
  const out: string[] = [];
  for (const dir of ['media/walkthrough', 'dist/walkthrough']) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)) if (f.endsWith('.svg')) out.push(join(dir, f));
  }
  return out;
}

describe('walkthroughs', () => {
  before(async function () {
    this.timeout(60_000);
    // The formula SVGs are build output; make them (skipped when up to date) so their checks see real files.
    const mod = (await import(pathToFileURL(join(root, 'scripts/build-formulas.mjs')).href)) as {
      default: (o: { root: string }) => Promise<void>;
    };
    await mod.default({ root });
  });

  it('declares the three walkthroughs with unique step ids', () => {
    assert.deepEqual(
      rawManifest.contributes.walkthroughs.map((w) => w.id),
      [...WALKTHROUGH_IDS],
    );
    for (const w of rawManifest.contributes.walkthroughs) {
      const ids = w.steps.map((s) => s.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate step id in ${w.id}`);
      assert.ok(ids.length >= 5, `${w.id} has only ${ids.length} steps`);
    }
  });

  it('resolves every %key% of package.json in both nls files', () => {
    const refs = nlsReferences(rawManifest);
    assert.ok(refs.length > 50, `only ${refs.length} nls references found`);
    for (const lang of LANGS) {
      const missing = refs.filter(
        (r) => typeof nls[lang][r.key] !== 'string' || nls[lang][r.key].trim() === '',
      );
      assert.deepEqual(
        missing.map((r) => `${r.key} (${r.where})`),
        [],
        `package.nls${lang === 'en' ? '' : '.' + lang}.json lacks keys`,
      );
    }
  });

  it('has the same walkthrough keys in both languages', () => {
    const keys = (lang: Lang) =>
      Object.keys(nls[lang])
        .filter((k) => k.startsWith('walkthrough.'))
        .sort();
    assert.deepEqual(keys('zh-cn'), keys('en'));
  });

  it('writes the Chinese strings and markdown in Chinese, not copies of the English', () => {
    for (const [key, value] of Object.entries(nls['zh-cn'])) {
      if (!key.startsWith('walkthrough.') || key.endsWith('.media')) continue;
      assert.match(value, CJK, `${key} has no Chinese text: ${value}`);
    }
    for (const file of readdirSync(join(root, 'walkthroughs/zh-cn')).filter((f) => f.endsWith('.md'))) {
      const zh = readFileSync(join(root, 'walkthroughs/zh-cn', file), 'utf8');
      // Prose only: code blocks, inline code and link targets stay in English on purpose.
      const prose = zh
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`]*`/g, '')
        .replace(/\]\([^)]*\)/g, ']');
      const cjkShare =
        (prose.match(/[\u4e00-\u9fff]/g) ?? []).length / prose.replace(/[\s|*#:-]/g, '').length;
      assert.ok(
        cjkShare > 0.25,
        `walkthroughs/zh-cn/${file} is only ${(cjkShare * 100).toFixed(0)}% Chinese`,
      );
    }
  });

  for (const lang of LANGS) {
    it(`finds every step's media file (${lang})`, () => {
      for (const { walkthrough, step } of allSteps(lang)) {
        const p = mediaPath(step);
        assert.ok(!p.startsWith('%'), `${walkthrough.id}/${step.id}: media path ${p} was not localised`);
        assert.ok(existsSync(join(root, p)), `${walkthrough.id}/${step.id}: ${p} does not exist`);
        if (step.media.markdown) {
          assert.ok(p.startsWith(`walkthroughs/${lang}/`), `${step.id}: ${p} is not the ${lang} markdown`);
        }
      }
    });

    it(`gives every image and SVG step alt text (${lang})`, () => {
      for (const { step } of allSteps(lang)) {
        if (step.media.markdown) continue;
        const alt = step.media.altText ?? '';
        assert.ok(
          alt.length >= 40,
          `${step.id}: alt text "${alt}" is missing or too short to describe a diagram`,
        );
        if (lang === 'zh-cn') assert.match(alt, CJK, `${step.id}: the Chinese alt text is not Chinese`);
      }
    });

    it(`links only to declared or known commands, with valid arguments (${lang})`, () => {
      const stepIds = new Map(walkthroughs[lang].map((w) => [w.id, new Set(w.steps.map((s) => s.id))]));
      let links = 0;
      const sources = allSteps(lang).flatMap(({ step }) => {
        const texts = [{ where: `${step.id} description`, text: step.description }];
        if (step.media.markdown) {
          texts.push({
            where: step.media.markdown,
            text: readFileSync(join(root, step.media.markdown), 'utf8'),
          });
        }
        return texts;
      });
      for (const { where, text } of sources) {
        for (const link of commandLinks(text)) {
          links++;
          assert.ok(
            declaredCommands.has(link.command) || link.command in EXTERNAL_COMMANDS,
            `${where}: command:${link.command} is neither declared in package.json nor a known external command`,
          );
          if (link.args === undefined) continue;
          let args: unknown;
          assert.doesNotThrow(
            () => (args = JSON.parse(decodeURIComponent(link.args!))),
            `${where}: bad arguments`,
          );
          // The panel's command refuses what it does not know; a link's arguments must be ones it takes.
          if (link.command === 'aiOnramp.openTrainingPanel')
            assert.doesNotThrow(() => parseOpenArgs(args), `${where}: arguments the panel refuses`);
          if (link.command === 'aiOnramp.showWelcome') {
            const ref = Array.isArray(args) ? args[0] : args;
            const parsed = parseWalkthroughTarget(ref);
            assert.ok(parsed.ok, `${where}: ${JSON.stringify(ref)} is not a walkthrough target`);
            if (parsed.ok && parsed.target.step) {
              assert.ok(
                stepIds.get(parsed.target.walkthrough)?.has(parsed.target.step),
                `${where}: links to missing step ${parsed.target.walkthrough}#${parsed.target.step}`,
              );
            }
          }
        }
      }
      assert.ok(links >= 20, `only ${links} command links found`);
    });
  }

  it("writes step descriptions in VS Code's formatted text (``code``, **bold**)", () => {
    for (const lang of LANGS) {
      for (const { step } of allSteps(lang)) {
        // The walkthrough renders only doubled markers; a single backtick would show up literally.
        const withoutCode = step.description.replace(/``[^`]+``/g, '');
        assert.doesNotMatch(
          withoutCode,
          /`/,
          `${lang} ${step.id}: single backticks in "${step.description}"`,
        );
        assert.equal(
          (step.description.match(/\*\*/g) ?? []).length % 2,
          0,
          `${lang} ${step.id}: unbalanced **`,
        );
      }
    }
  });

  it('links every idea of the article to a hands-on step', () => {
    const ideas = walkthroughs.en.find((w) => w.id === 'openSourceAI')!;
    for (const step of ideas.steps) {
      const links = commandLinks(step.description).filter((l) => l.command === 'aiOnramp.showWelcome');
      assert.equal(links.length, 1, `${step.id} should link to exactly one hands-on step`);
    }
  });

  it('completes action steps on real state, not on a click', () => {
    const contextKeySource = readFileSync(join(root, 'src/extension/common/contextKeys.ts'), 'utf8');
    for (const { walkthrough, step } of allSteps('en')) {
      const events = step.completionEvents ?? [];
      assert.equal(events.length, 1, `${step.id}: expected exactly one completion event`);
      const [event] = events;
      assert.ok(
        !event.startsWith('onCommand:') && !event.startsWith('onLink:'),
        `${step.id} completes on a click`,
      );
      if (event.startsWith('onContext:')) {
        const key = event.slice('onContext:'.length);
        assert.ok(contextKeySource.includes(`'${key}'`), `${step.id}: ${key} is not a ContextKey`);
      }
      // Steps that make the user do something must not tick just because they were opened.
      const hasAction = commandLinks(step.description).some((l) => l.command !== 'aiOnramp.showWelcome');
      if (walkthrough.id !== 'openSourceAI' && step.id !== 'readCurves') {
        assert.ok(hasAction, `${step.id} has no button`);
        assert.notEqual(event, 'onStepSelected', `${step.id} has a task but completes when opened`);
      }
    }
  });

  it('shows each Install Python step on its own OS only', () => {
    const setup = rawManifest.contributes.walkthroughs.find((w) => w.id === 'setupPython')!;
    const whens = setup.steps.filter((s) => s.id.startsWith('installPython')).map((s) => s.when);
    assert.deepEqual(whens.sort(), ['isLinux', 'isMac', 'isWindows']);
  });

  it('hides the steps of features that are not built yet behind their context keys', () => {
    const first = rawManifest.contributes.walkthroughs.find((w) => w.id === 'firstModel')!;
    const when = Object.fromEntries(first.steps.map((s) => [s.id, s.when]));
    assert.equal(when.trainInPanel, 'aiOnramp.trainingPanelAvailable');
    assert.equal(when.compareRuns, 'aiOnramp.trainingPanelAvailable');
    assert.equal(when.tensorBoard, 'aiOnramp.tensorBoardAvailable');
  });

  it('declares aiOnramp.runFirstScript with the AI Onramp category', () => {
    const cmd = rawManifest.contributes.commands.find((c) => c.command === 'aiOnramp.runFirstScript');
    assert.ok(cmd, 'aiOnramp.runFirstScript is not declared');
    assert.equal(cmd.category, '%category%');
    assert.match(cmd.title, /^%command\..+%$/);
  });

  describe('SVG media', () => {
    it('finds the diagrams and the rendered formulas', () => {
      const files = svgFiles();
      for (const f of [
        'dist/walkthrough/innovation.svg',
        'dist/walkthrough/iteration.svg',
        'dist/walkthrough/innovation-model.en.svg',
        'dist/walkthrough/innovation-model.zh-cn.svg',
        'media/walkthrough/community-effects.en.svg',
      ]) {
        assert.ok(files.includes(f), `${f} is missing`);
      }
    });

    it('are well-formed XML', () => {
      for (const file of svgFiles()) {
        const parser = sax.parser(true, { xmlns: true });
        let rootName: string | undefined;
        parser.onopentag = (tag) => (rootName ??= tag.name);
        assert.doesNotThrow(
          () => parser.write(readFileSync(join(root, file), 'utf8')).close(),
          `${file} is not XML`,
        );
        assert.equal(rootName, 'svg', `${file}: root element is ${rootName}`);
      }
    });

    it('follow the theme and need nothing the walkthrough CSP blocks', () => {
      for (const file of svgFiles()) {
        const text = readFileSync(join(root, file), 'utf8');
        // The step's webview allows styles only with its own nonce: inline style and <style> would be dropped.
        assert.doesNotMatch(
          text,
          /\sstyle="|<style|<script|\son[a-z]+="|href="(?!#)/i,
          `${file}: blocked content`,
        );
        for (const m of text.matchAll(/\s(fill|stroke|color)="([^"]+)"/g)) {
          assert.match(
            m[2],
            /^(none|currentColor|var\(--vscode-[\w-]+(, #[0-9a-f]{3,8})?\)|url\(#[\w-]+\))$/,
            `${file}: ${m[1]}="${m[2]}" is a fixed colour`,
          );
        }
        assert.match(text, /var\(--vscode-foreground/, `${file} does not use the theme's foreground`);
      }
    });

    it('render the formulas as glyph paths, not raw LaTeX', () => {
      for (const f of ['innovation', 'iteration']) {
        const text = readFileSync(join(root, `dist/walkthrough/${f}.svg`), 'utf8');
        assert.ok((text.match(/<path /g) ?? []).length >= 10, `${f}.svg has too few glyphs`);
        assert.doesNotMatch(text, /\\mathit|\\bigl|\^\{/, `${f}.svg contains LaTeX source`);
        assert.match(text, /fill="currentColor"/);
      }
      for (const lang of ['en', 'zh-cn']) {
        const text = readFileSync(join(root, `dist/walkthrough/innovation-model.${lang}.svg`), 'utf8');
        const legend = readJson<{ title: string }>(`walkthroughs/${lang}/innovation-model.json`);
        assert.ok(text.includes(legend.title), `innovation-model.${lang}.svg lacks its ${lang} title`);
      }
    });
  });

  describe('the first script', () => {
    const flatten = (code: string) =>
      code
        .replace(/\s*\n\s*/g, ' ')
        .replace(/([([]) /g, '$1')
        .replace(/,? ([)\]])/g, '$1');
    const script = readFileSync(join(root, 'media/walkthrough/mnist_cnn.py'), 'utf8');

    it("builds the article's model and training setup", () => {
      for (const line of [
        'keras.layers.Conv2D(32, (3, 3), activation="relu")',
        'keras.layers.MaxPooling2D((2, 2))',
        'keras.layers.Flatten()',
        'keras.layers.Dense(10, activation="softmax")',
        'keras.optimizers.Adam(learning_rate=0.001)',
        'loss="sparse_categorical_crossentropy"',
        'model.fit(x_train, y_train, batch_size=32, epochs=5)',
        '.astype("float32") / 255',
      ]) {
        assert.ok(script.includes(line), `mnist_cnn.py lacks ${line}`);
      }
    });

    it('matches the code shown in both languages', () => {
      for (const lang of LANGS) {
        const md = readFileSync(join(root, `walkthroughs/${lang}/firstScript.md`), 'utf8');
        // Lines broken to fit the media column (Python's implicit joins) read as the script's one line.
        const code = flatten(/```python\n([\s\S]*?)```/.exec(md)?.[1] ?? '');
        const calls =
          code.match(/(keras\.(layers|optimizers)\.\w+|model\.fit)\((?:[^()]|\([^()]*\))*\)/g) ?? [];
        assert.ok(calls.length >= 6, `${lang}/firstScript.md shows no model`);
        for (const call of calls) {
          assert.ok(
            flatten(script).includes(call),
            `${lang}/firstScript.md shows ${call}, which the script does not run`,
          );
        }
      }
    });

    it('is valid Python that explains a missing TensorFlow instead of a traceback', function () {
      this.timeout(30_000);
      const python = ['python3', 'python'].find((p) => {
        try {
          execFileSync(p, ['--version'], { stdio: 'ignore' });
          return true;
        } catch {
          return false;
        }
      });
      if (!python) this.skip();
      execFileSync(python!, [
        '-c',
        'import ast, sys; ast.parse(open(sys.argv[1]).read())',
        join(root, 'media/walkthrough/mnist_cnn.py'),
      ]);
      // Run it with `tensorflow` made unimportable, so the check holds whether or not TensorFlow is installed.
      const blockTf =
        'import sys, runpy\nclass Block:\n  def find_spec(self, name, *a):\n    if name.split(".")[0] == "tensorflow": raise ImportError(name)\nsys.meta_path.insert(0, Block())\nrunpy.run_path(sys.argv[1], run_name="__main__")';
      let status = 0;
      let stderr = '';
      try {
        execFileSync(python!, ['-c', blockTf, join(root, 'media/walkthrough/mnist_cnn.py')], {
          stdio: 'pipe',
        });
      } catch (error) {
        const e = error as { status: number; stderr: Buffer };
        status = e.status;
        stderr = e.stderr.toString();
      }
      assert.equal(status, 1);
      assert.match(stderr, /TensorFlow is not installed/);
      assert.match(stderr, /-m pip install tensorflow/);
      assert.doesNotMatch(stderr, /Traceback/);
    });
  });

  describe('walkthrough targets', () => {
    it('opens the first walkthrough by default and reads every form of reference', () => {
      assert.deepEqual(parseWalkthroughTarget(undefined), {
        ok: true,
        target: { walkthrough: 'setupPython' },
      });
      assert.deepEqual(parseWalkthroughTarget('pip'), {
        ok: true,
        target: { walkthrough: 'setupPython', step: 'pip' },
      });
      assert.deepEqual(parseWalkthroughTarget('firstModel'), {
        ok: true,
        target: { walkthrough: 'firstModel' },
      });
      assert.deepEqual(parseWalkthroughTarget('firstModel#pythonProject'), {
        ok: true,
        target: { walkthrough: 'firstModel', step: 'pythonProject' },
      });
    });

    it('refuses what it cannot mean', () => {
      for (const bad of [42, 'nope#pip', 'firstModel#', 'a#b#c', 'pip install', {}]) {
        assert.equal(parseWalkthroughTarget(bad).ok, false, JSON.stringify(bad));
      }
    });

    it('builds the category and step ids that workbench.action.openWalkthrough expects', () => {
      assert.equal(
        openWalkthroughArgument({ walkthrough: 'setupPython' }),
        'ai-onramp.ai-onramp#setupPython',
      );
      assert.deepEqual(openWalkthroughArgument({ walkthrough: 'firstModel', step: 'tensorBoard' }), {
        category: 'ai-onramp.ai-onramp#firstModel',
        step: 'ai-onramp.ai-onramp#firstModel#tensorBoard',
      });
    });
  });
});
