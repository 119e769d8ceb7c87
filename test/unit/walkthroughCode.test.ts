// The code in the walkthroughs' markdown, as a learner copies it: every Python block still parses and every
// shell block is valid shell (a line broken with `\` joins back into one command), in English and Chinese.
// How wide it renders is checked in the real workbench (test/ui/walkthrough.ui.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');

interface CodeBlock {
  file: string;
  lang: string;
  code: string;
  line: number;
}

/** Every fenced block of every walkthrough markdown file. */
function codeBlocks(): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const lang of ['en', 'zh-cn']) {
    const dir = join(root, 'walkthroughs', lang);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      const file = `walkthroughs/${lang}/${name}`;
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
        const line = text.slice(0, m.index).split('\n').length;
        blocks.push({ file, lang: m[1], code: m[2], line });
      }
    }
  }
  return blocks;
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
  const blocks = codeBlocks();

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
});
