/**
 * Runs async jobs one after another per key, in the order they were queued. The run history needs it: the
 * panel saves a run at every epoch and once more when it finishes, each save is an async write, and without an
 * order a late "running" write could land after the "completed" one and leave the finished run looking
 * unfinished for good (a host-test flake: the second run never showed as finished).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // A failed job does not stop the ones after it; its caller gets its error.
    const result = previous.then(job, job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a job queued or running (for tests: the map must not grow without bound). */
  get pending(): number {
    return this.tails.size;
  }
}
