/**
 * Pause, resume and stop of the panel's run, as the epoch runner reads them (`RunControl`): flags the loop
 * checks between batches, a wait for a paused loop, and listeners for a backend that trains elsewhere (our CPU
 * engine's workers), which it forwards each change to.
 */
import type { RunControl } from './runner';

export class RunSwitch implements RunControl {
  private pausedFlag = false;
  private stopFlag = false;
  private resumeWaiters: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();

  get stopRequested(): boolean {
    return this.stopFlag;
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitWhilePaused(): Promise<void> {
    if (!this.pausedFlag || this.stopFlag) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  /** A new run starts neither paused nor stopped. */
  reset(): void {
    this.stopFlag = false;
    this.pausedFlag = false;
  }

  pause(): void {
    this.pausedFlag = true;
    this.notify();
  }

  resume(): void {
    this.pausedFlag = false;
    this.resumeWaiters.splice(0).forEach((r) => r());
    this.notify();
  }

  stop(): void {
    this.stopFlag = true;
    this.pausedFlag = false;
    this.resumeWaiters.splice(0).forEach((r) => r());
    this.notify();
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}
