// The code blocks of a walkthrough's markdown media, and the text a step's "Copy" link puts on the clipboard.
// Pure (no vscode): the unit tests read the walkthroughs through the same functions.

export interface CodeBlock {
  /** The fence's language: `python`, `sh`, `powershell`. */
  readonly lang: string;
  /** The block's lines as the walkthrough shows them, without the fences. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Every fenced block of a markdown file, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    code: m[2],
    line: markdown.slice(0, m.index).split('\n').length,
  }));
}

/**
 * What a "Copy" link copies: the block as shown, except that a shell command broken over lines to fit the
 * media column (a trailing ` \`) is joined back into the one line it was, so that it pastes into any shell,
 * PowerShell and cmd included. Python keeps its lines: its breaks are inside brackets and mean nothing.
 */
export function copyText(block: CodeBlock): string {
  const code = block.code.replace(/\n$/, '');
  return block.lang === 'sh' ? code.replace(/ \\\n\s*/g, ' ') : code;
}

/** The markdown files a "Copy" link may name: `<lang>/<name>.md` under walkthroughs/. */
export const COPY_SOURCE = /^(en|zh-cn)\/[A-Za-z]+\.md$/;

/** The arguments of `aiOnramp.copyCodeBlock` (`["zh-cn/pip.md", 2]`), or why they are not usable. */
export function parseCopyArguments(
  args: readonly unknown[],
): { ok: true; file: string; index: number } | { ok: false; reason: string } {
  const [file, index] = args;
  if (typeof file !== 'string' || !COPY_SOURCE.test(file)) {
    return { ok: false, reason: `not a walkthrough file: ${JSON.stringify(file)}` };
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    return { ok: false, reason: `not a code block number: ${JSON.stringify(index)}` };
  }
  return { ok: true, file, index };
}
