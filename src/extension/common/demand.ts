import type * as vscode from 'vscode';

/**
 * Background work that nobody asked for yet — probing Python, polling the workspace for a new `.venv` — waits
 * for a first sign that the user needs it: a walkthrough of ours on screen, or one of our commands run. So
 * start-up costs nothing but registering commands (issue: activation under 50 ms, no probe or file scan at
 * start-up). `raise` is idempotent; work registered after the first raise starts at once.
 */
export class Demand implements vscode.Disposable {
  private reason: string | undefined;
  private readonly waiting: ((reason: string) => void)[] = [];

  /** Says the user needs the deferred work now; `reason` goes to the log of whoever starts. */
  raise(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const start of this.waiting.splice(0)) start(reason);
  }

  /** Runs `start` once, at the first `raise` (now, if that already happened). */
  whenRaised(start: (reason: string) => void): void {
    if (this.reason !== undefined) start(this.reason);
    else this.waiting.push(start);
  }

  get raised(): boolean {
    return this.reason !== undefined;
  }

  dispose(): void {
    this.waiting.length = 0;
  }
}
