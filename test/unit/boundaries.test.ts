// The three roots' import rules (src/extension, src/shared, src/webview) fire on wrong imports and are kept by
// the tree. The rules are the project's own eslint.config.mjs and .dependency-cruiser.cjs, run as `npm run lint`
// runs them, on test/fixtures/boundaries/ (one wrong import of each kind) and on src/ itself.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/boundaries');
const run = promisify(execFile);

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** dependency-cruiser's CLI with the project's configuration, in `cwd`, as JSON. */
async function cruise(
  cwd: string,
): Promise<{ violations: Violation[]; modules: { source: string; dependencies: { resolved: string }[] }[] }> {
  const bin = path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const config = path.join(root, '.dependency-cruiser.cjs');
  // Exit code 1 means "violations found": the JSON on stdout is what the test reads either way.
  const { stdout } = await run(process.execPath, [bin, 'src', '--config', config, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const result = JSON.parse(stdout) as {
    summary: { violations: Violation[] };
    modules: { source: string; dependencies: { resolved: string }[] }[];
  };
  return { violations: result.summary.violations, modules: result.modules };
}

describe('Import boundaries between src/extension, src/shared and src/webview', function () {
  this.timeout(120_000);

  describe('ESLint (as you type)', () => {
    const eslint = new ESLint({ cwd: root });
    async function messages(file: string, asPath: string): Promise<string[]> {
      const code = readFileSync(path.join(fixtures, file), 'utf8');
      const [result] = await eslint.lintText(code, { filePath: path.join(root, asPath) });
      return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
    }

    it('refuses vscode, a Node built-in and host code in a webview file, with the reason', async () => {
      const vscode = await messages('src/webview/page/usesVscode.ts', 'src/webview/training/usesVscode.ts');
      assert.equal(vscode.length, 1);
      assert.match(vscode[0], /Webview code \(src\/webview\/\) cannot use vscode/);
      const node = await messages('src/webview/page/usesNode.ts', 'src/webview/training/usesNode.ts');
      assert.equal(node.length, 1);
      assert.match(
        node[0],
        /Webview code \(src\/webview\/\) cannot use Node modules: only src\/extension\/ runs in Node/,
      );
      const host = await messages('src/webview/page/importsHost.ts', 'src/webview/training/importsHost.ts');
      assert.equal(host.length, 1);
      assert.match(host[0], /Webview code cannot import host code \(src\/extension\/\)/);
    });

    it('refuses vscode, Node and either side in a shared file', async () => {
      assert.match(
        (await messages('src/webview/page/usesVscode.ts', 'src/shared/usesVscode.ts'))[0],
        /Shared code/,
      );
      assert.match(
        (await messages('src/webview/page/usesNode.ts', 'src/shared/usesNode.ts'))[0],
        /Node modules/,
      );
      const page = await messages('src/shared/importsPage.ts', 'src/shared/importsPage.ts');
      assert.equal(page.length, 1);
      assert.match(page[0], /Shared code imports only src\/shared\/: both sides load it/);
    });

    it('lets host code use vscode and Node', async () => {
      assert.deepEqual(
        await messages('src/webview/page/usesVscode.ts', 'src/extension/training/usesVscode.ts'),
        [],
      );
      assert.deepEqual(
        await messages('src/webview/page/usesNode.ts', 'src/extension/training/usesNode.ts'),
        [],
      );
    });
  });

  describe('dependency-cruiser (npm run lint)', () => {
    it('names each wrong import in the fixture tree with its rule', async () => {
      const found = (await cruise(fixtures)).violations
        .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
        .sort();
      const expect = [
        'capabilities-apart: src/extension/training/panel.ts → src/extension/tensorboard/viewer.ts',
        'common-is-lowest: src/extension/common/log.ts → src/extension/training/panel.ts',
        'no-circular: src/webview/page/cycleA.ts → src/webview/page/cycleB.ts',
        'no-vscode-outside-host: src/webview/page/usesVscode.ts → vscode',
        'python-below-capabilities: src/extension/python/usesTraining.ts → src/extension/training/panel.ts',
        'shared-stays-shared: src/shared/importsPage.ts → src/webview/page/cycleA.ts',
        'webview-not-host: src/webview/page/importsHost.ts → src/extension/common/log.ts',
        'webview-no-node: src/webview/page/usesNode.ts → fs',
      ];
      // One cycle is one violation, named from whichever of its files the cruise met first.
      assert.deepEqual(found, expect.sort());
    });

    it('finds no wrong import and no cycle between folders in src/', async () => {
      const { violations, modules } = await cruise(root);
      assert.deepEqual(
        violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
        [],
      );
      // A cycle of files is a rule above; a cycle of folders (a → b in one file, b → a in another) is checked here.
      const folder = (file: string) => /^src\/(?:extension|shared|webview)\/[^/]+(?=\/)/.exec(file)?.[0];
      const edges = new Map<string, Set<string>>();
      for (const m of modules) {
        const from = folder(m.source);
        for (const d of m.dependencies) {
          const to = folder(d.resolved);
          if (from && to && from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
        }
      }
      // Depth-first search: an edge back to a folder still on the stack closes a cycle.
      const state = new Map<string, 'open' | 'done'>();
      const stack: string[] = [];
      const cycles: string[] = [];
      const visit = (node: string) => {
        state.set(node, 'open');
        stack.push(node);
        for (const next of edges.get(node) ?? []) {
          if (state.get(next) === 'open')
            cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
          else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(node, 'done');
      };
      for (const node of edges.keys()) if (!state.has(node)) visit(node);
      assert.deepEqual(cycles, [], 'folders that import each other');
    });
  });
});
