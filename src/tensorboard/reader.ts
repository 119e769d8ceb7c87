// Reads TensorBoard event files incrementally: each file is read from where the last read stopped,
// so a poll costs one `stat` per file until a writer appends. Node only; no `vscode` here, so unit
// tests and the bench use it directly.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ScalarDecoder } from './events';
import { ProtobufError } from './protobuf';
import { compareNames, type RunSummary, type ScalarPoint } from './protocol';
import { ScalarSeries } from './series';
import { scanRecords, type ScanEnd } from './tfrecord';

/** Points per tag, in the order they were read. */
export type PointsByTag = Map<string, ScalarSeries>;

export interface TailResult {
  readonly points: PointsByTag;
  /** Set once, on the read that stopped the file. */
  readonly warning?: string;
}

/** How much a read takes in at once; larger records are read whole. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * One event file being tailed. A partial record at the end waits for the rest; a corrupt record stops
 * the file for good (what came before it is kept), since nothing after it can be trusted.
 */
export class EventFileTailer {
  /** Bytes of whole records read so far. */
  offset = 0;
  /** Bytes of an incomplete record after `offset` at the last read. */
  pendingBytes = 0;
  /** Why the file is no longer read, once it is not. */
  stoppedReason: string | undefined;
  /** Records whose checksums were right but whose contents did not parse (skipped). */
  malformedRecords = 0;

  constructor(
    readonly filePath: string,
    private readonly decoder: ScalarDecoder = new ScalarDecoder(),
  ) {}

  get stopped(): boolean {
    return this.stoppedReason !== undefined;
  }

  /**
   * Reads what was appended since the last call. With `final`, an incomplete record at the end is
   * reported as a truncated file (its writer is done) instead of waiting for the rest.
   */
  async read(options: { final?: boolean } = {}): Promise<TailResult> {
    const points: PointsByTag = new Map();
    if (this.stopped) return { points };
    let size: number;
    try {
      size = (await fs.stat(this.filePath)).size;
    } catch (error) {
      // A file deleted between the scan and the read has nothing more to give; not a warning.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { points };
      throw error;
    }
    if (size < this.offset) {
      return { points, warning: this.stop(`the file got shorter (${size} bytes, ${this.offset} read)`) };
    }
    if (size === this.offset + this.pendingBytes && !options.final) return { points };
    if (size > this.offset) {
      const malformedBefore = this.malformedRecords;
      const end = await this.readRange(size, points);
      if (end.kind === 'corrupt') {
        return { points, warning: this.stop(`${end.reason} at byte ${this.offset}`) };
      }
      const malformed = this.malformedRecords - malformedBefore;
      if (malformed > 0) {
        const warning = `${path.basename(this.filePath)}: skipped ${malformed} record(s) that are not valid events`;
        if (!options.final || this.pendingBytes === 0) return { points, warning };
      }
    }
    if (options.final && this.pendingBytes > 0) {
      return {
        points,
        warning: this.stop(
          `the file ends inside a record (${this.pendingBytes} bytes after byte ${this.offset})`,
        ),
      };
    }
    return { points };
  }

  private async readRange(size: number, points: PointsByTag): Promise<ScanEnd> {
    const handle = await fs.open(this.filePath, 'r');
    try {
      let buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - this.offset));
      let needed = 0;
      while (this.offset < size) {
        const want = Math.min(size - this.offset, Math.max(CHUNK_BYTES, needed));
        if (buffer.length < want) buffer = Buffer.allocUnsafe(want);
        const got = await readFully(handle, buffer, want, this.offset);
        const bytes = buffer.subarray(0, got);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const result = scanRecords(bytes, (start, end) => {
          try {
            this.decoder.decode(bytes, start, end, view, points);
          } catch (error) {
            if (!(error instanceof ProtobufError)) throw error;
            this.malformedRecords++;
          }
        });
        this.offset += result.consumed;
        if (result.end.kind === 'corrupt') return result.end;
        if (result.end.kind === 'partial') {
          if (got < want || this.offset + result.end.needed > size) {
            // The rest of the record is not written yet: wait for it.
            this.pendingBytes = got < want ? got - result.consumed : size - this.offset;
            return result.end;
          }
          needed = result.end.needed;
        } else needed = 0;
        if (got < want) break;
      }
      this.pendingBytes = 0;
      return { kind: 'complete' };
    } finally {
      await handle.close();
    }
  }

  private stop(reason: string): string {
    this.stoppedReason = reason;
    this.pendingBytes = 0;
    return `${path.basename(this.filePath)}: ${reason}; the points before it are kept`;
  }
}

async function readFully(
  handle: fs.FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Reads a whole event file once (not tailing): a partial record at the end is a truncated file. */
export async function readEventFile(filePath: string): Promise<TailResult> {
  return new EventFileTailer(filePath).read({ final: true });
}

/** TensorBoard's test for an event file: the name contains `tfevents`. */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents');
}

interface Run {
  readonly name: string;
  readonly decoder: ScalarDecoder;
  readonly files: Map<string, EventFileTailer>;
  readonly tags: Map<string, ScalarSeries>;
}

export interface PollResult {
  /** Runs or tags appeared: the run list changed. */
  readonly runsChanged: boolean;
  /** New points by run, then tag. */
  readonly points: Map<string, PointsByTag>;
  readonly warnings: readonly string[];
}

/** Folders deeper than this under the log folder are not searched for runs. */
const MAX_DEPTH = 8;

/**
 * A TensorBoard log folder: every folder under it holding event files is a run (Keras writes
 * `train/` and `validation/`), named by its path relative to the log folder (`.` for the folder
 * itself). Keeps every point read, for redrawing and export.
 */
export class LogDirectory {
  private readonly runsByName = new Map<string, Run>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly root: string) {}

  runs(): RunSummary[] {
    return [...this.runsByName.values()]
      .filter((run) => run.tags.size > 0)
      .sort((a, b) => compareNames(a.name, b.name))
      .map((run) => ({ name: run.name, tags: [...run.tags.keys()].sort(compareNames) }));
  }

  /** Every point of a run's tag read so far. */
  points(run: string, tag: string): ScalarPoint[] {
    return this.runsByName.get(run)?.tags.get(tag)?.toPoints() ?? [];
  }

  series(run: string, tag: string): ScalarSeries | undefined {
    return this.runsByName.get(run)?.tags.get(tag);
  }

  /** Finds new runs and files and reads what was appended. Calls run one after another. */
  poll(): Promise<PollResult> {
    const next = this.chain.then(() => this.pollOnce());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async pollOnce(): Promise<PollResult> {
    const warnings: string[] = [];
    const points = new Map<string, PointsByTag>();
    let runsChanged = false;
    const found = await findEventFiles(this.root, warnings);
    for (const [runName, files] of found) {
      let run = this.runsByName.get(runName);
      if (!run) {
        run = { name: runName, decoder: new ScalarDecoder(), files: new Map(), tags: new Map() };
        this.runsByName.set(runName, run);
      }
      // Writers name files by creation time, so name order is write order (TensorBoard reads so too).
      for (const file of files.sort(compareNames)) {
        if (!run.files.has(file))
          run.files.set(file, new EventFileTailer(path.join(this.root, file), run.decoder));
      }
      for (const tailer of run.files.values()) {
        let result: TailResult;
        try {
          result = await tailer.read();
        } catch (error) {
          warnings.push(`${path.basename(tailer.filePath)}: ${(error as Error).message}`);
          continue;
        }
        if (result.warning) warnings.push(`${runName}: ${result.warning}`);
        for (const [tag, appended] of result.points) {
          let all = run.tags.get(tag);
          if (!all) {
            run.tags.set(tag, (all = new ScalarSeries()));
            runsChanged = true;
          }
          all.append(appended);
          let runPoints = points.get(runName);
          if (!runPoints) points.set(runName, (runPoints = new Map()));
          const pending = runPoints.get(tag);
          if (pending) pending.append(appended);
          else runPoints.set(tag, appended);
        }
      }
    }
    return { runsChanged, points, warnings };
  }
}

/** Event files under `root` by run name; file paths relative to `root`. */
async function findEventFiles(root: string, warnings: string[]): Promise<Map<string, string[]>> {
  const runs = new Map<string, string[]>();
  const visit = async (relative: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, relative), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (depth === 0 || (code !== 'ENOENT' && code !== 'EACCES')) {
        warnings.push(`${relative || root}: ${(error as Error).message}`);
      }
      return;
    }
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await visit(child, depth + 1);
      } else if (entry.isFile() && isEventFileName(entry.name)) {
        const runName = relative || '.';
        let files = runs.get(runName);
        if (!files) runs.set(runName, (files = []));
        files.push(child);
      }
    }
  };
  await visit('', 0);
  return runs;
}
