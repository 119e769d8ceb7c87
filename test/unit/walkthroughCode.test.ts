// The code in the walkthroughs' markdown, as a learner copies it: every Python block still parses and every
// shell block is valid shell (a line broken with `\` joins back into one command), in English and Chinese.
// How wide it renders is checked in the real workbench (test/ui/walkthrough.ui.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  codeBlocks,
  copyText,
  parseCopyArguments,
  type CodeBlock,
} from '../../src/extension/walkthrough/codeBlocks';

const root = join(__dirname, '../..');

interface FileBlock extends CodeBlock {
  /** `<lang>/<name>.md` under walkthroughs/, as a Copy link names it. */
  source: string;
  file: string;
  index: number;
  /** The markdown right after the closing fence. */
  after: string;
}

/** Every fenced block of every walkthrough markdown file. */
function walkthroughBlocks(): FileBlock[] {
  const blocks: FileBlock[] = [];
  for (const lang of ['en', 'zh-cn']) {
    const dir = join(root, 'walkthroughs', lang);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      const source = `${lang}/${name}`;
      const text = readFileSync(join(dir, name), 'utf8');
      const lines = text.split('\n');
      for (const [index, block] of codeBlocks(text).entries()) {
        // 0-based: the opening fence is at block.line - 1, then the code's lines, then the closing fence.
        const closingFence = block.line + block.code.split('\n').length - 1;
        blocks.push({
          ...block,
          source,
          file: `walkthroughs/${source}`,
          index,
          after: lines[closingFence + 1] ?? '',
        });
      }
    }
  }
  return blocks;
}

/** Copy links in a markdown file, with their arguments. */
function copyLinks(text: string): { label: string; args: unknown[] }[] {
  return [...text.matchAll(/\[([^\]]*)\]\(command:aiOnramp\.copyCodeBlock\?([^)\s]*)\)/g)].map((m) => ({
    label: m[1],
    args: JSON.parse(decodeURIComponent(m[2])) as unknown[],
  }));
}

function check(command: string, args: string[], input: string): string | undefined {
  try {
    execFileSync(command, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error).trim();
  }
}

describe('walkthrough code blocks', () => {
  const blocks = walkthroughBlocks();

  it('finds the walkthroughs’ code blocks, each with its language', () => {
    assert.ok(blocks.length >= 30, `only ${blocks.length} code blocks found`);
    for (const block of blocks) {
      assert.match(
        block.lang,
        /^(python|sh|powershell)$/,
        `${block.file}:${block.line} has no known language`,
      );
    }
  });

  it('every Python block parses', () => {
    const python = blocks.filter((b) => b.lang === 'python');
    assert.ok(python.length >= 4);
    for (const block of python) {
      const error = check('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], block.code);
      assert.equal(error, undefined, `${block.file}:${block.line}: ${error}`);
    }
  });

  it('every shell block is valid shell, with each broken line continued by a trailing backslash', () => {
    const shell = blocks.filter((b) => b.lang === 'sh');
    assert.ok(shell.length >= 20);
    for (const block of shell) {
      const error = check('bash', ['-n'], block.code);
      assert.equal(error, undefined, `${block.file}:${block.line}: ${error}`);
      // A continuation line is indented; so the line before it must end in `\`, or it would run on its own.
      const lines = block.code.split('\n');
      for (const [i, line] of lines.entries()) {
        if (i > 0 && /^\s+\S/.test(line)) {
          assert.match(
            lines[i - 1],
            / \\$/,
            `${block.file}:${block.line + i + 1}: "${line}" continues nothing`,
          );
        }
      }
    }
  });

  it('every code block is followed by a Copy link to itself, labelled in its language', () => {
    for (const block of blocks) {
      const [link] = copyLinks(block.after);
      assert.ok(link, `${block.file}:${block.line}: no Copy link right after the block`);
      assert.deepEqual(
        link.args,
        [block.source, block.index],
        `${block.file}:${block.line}: the link names another block`,
      );
      assert.equal(link.label, block.source.startsWith('zh-cn/') ? '复制' : 'Copy');
    }
    for (const lang of ['en', 'zh-cn']) {
      for (const name of readdirSync(join(root, 'walkthroughs', lang)).filter((f) => f.endsWith('.md'))) {
        for (const link of copyLinks(readFileSync(join(root, 'walkthroughs', lang, name), 'utf8'))) {
          const parsed = parseCopyArguments(link.args);
          assert.ok(parsed.ok, `${lang}/${name}: ${JSON.stringify(link.args)}`);
          assert.ok(blocks.some((b) => b.source === parsed.file && b.index === parsed.index));
        }
      }
    }
  });

  it('copies a shell command broken over lines as the one line it was, and Python as shown', () => {
    const venv = blocks.find((b) => b.source === 'en/installPythonLinux.md' && b.index === 0)!;
    assert.equal(copyText(venv), 'sudo apt update\nsudo apt install python3 python3-venv python3-pip');
    const check = blocks.find((b) => b.source === 'en/installFrameworks.md' && b.lang === 'sh')!;
    assert.equal(
      copyText(check).split('\n')[0],
      'python -c "import tensorflow as tf; print(tf.__version__)"',
    );
    for (const block of blocks.filter((b) => b.lang === 'sh')) assert.doesNotMatch(copyText(block), /\\\n/);
    const model = blocks.find((b) => b.source === 'en/firstScript.md')!;
    assert.equal(copyText(model), model.code.replace(/\n$/, ''));
  });

  it('refuses Copy arguments that name no walkthrough file or block', () => {
    for (const args of [
      [],
      ['../package.json', 0],
      ['en/pip.md'],
      ['en/pip.md', -1],
      ['en/pip.md', 1.5],
      ['fr/pip.md', 0],
    ]) {
      assert.equal(parseCopyArguments(args).ok, false, JSON.stringify(args));
    }
    assert.deepEqual(parseCopyArguments(['zh-cn/venv.md', 1]), { ok: true, file: 'zh-cn/venv.md', index: 1 });
  });
});
