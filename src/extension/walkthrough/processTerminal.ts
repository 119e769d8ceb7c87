import { spawn, type ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import { killTree, pythonEnv } from '../python';

export interface ProcessTerminalOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** First line shown, before the program's own output. */
  readonly banner: string;
  /** Last line shown once the program ended; `{0}` is the exit code. */
  readonly exitMessage: (code: number) => string;
  readonly spawnErrorMessage: (error: Error) => string;
}

/**
 * A terminal that runs one program directly (no shell, so no quoting to get wrong) and stays open after it
 * ends, so its output can be read. A terminal made with `shellPath` closes as soon as the program exits,
 * taking the output with it; this one reports the exit code and closes on the next key press.
 */
export class ProcessTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  private readonly exitEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  /** Fires once with the program's exit code (-1 when it could not start or was killed by a signal). */
  readonly onDidExit = this.exitEmitter.event;
  private child: ChildProcess | undefined;
  private exitCode: number | undefined;

  constructor(private readonly options: ProcessTerminalOptions) {}

  open(): void {
    const { command, args, cwd, banner } = this.options;
    this.write(`\x1b[2m${banner}\x1b[0m\n`);
    // detached: the child leads its own process group, so killTree reaches the workers it starts.
    const child = spawn(command, args, {
      cwd,
      env: pythonEnv(),
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => this.write(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => this.write(text));
    child.on('error', (error) => {
      this.write(`\x1b[31m${this.options.spawnErrorMessage(error)}\x1b[0m\n`);
      this.finish(-1);
    });
    child.on('close', (code) => this.finish(code ?? -1));
  }

  handleInput(data: string): void {
    if (this.exitCode !== undefined) {
      this.closeEmitter.fire(this.exitCode);
      return;
    }
    if (data === '\x03' && this.child) killTree(this.child);
  }

  close(): void {
    if (this.child && this.exitCode === undefined) killTree(this.child);
  }

  private finish(code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    const colour = code === 0 ? '32' : '31';
    this.write(`\n\x1b[${colour}m${this.options.exitMessage(code)}\x1b[0m\n`);
    this.exitEmitter.fire(code);
  }

  private write(text: string): void {
    // A pseudoterminal is raw: a bare \n moves down without returning to the first column.
    this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }
}
