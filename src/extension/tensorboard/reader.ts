// Reads TensorBoard event files incrementally: each file is read from where the last read stopped,
// so a poll costs one `stat` per file until a writer appends. Node only; no `vscode` here, so unit
// tests and the bench use it directly.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ScalarDecoder, collectScalars, type EventSink, type RecordKind } from './events';
import {
  compareNames,
  type FolderStatus,
  type HParamValue,
  type RunSummary,
} from '../../shared/protocol/tensorboard';
import type { ScalarPoint } from '../../shared/series';
import { SampledSeries, type ScalarSeries } from './series';
import { scanRecords, type ScanEnd } from './tfrecord';

/** Points per tag, in the order they were read. */
export type PointsByTag = Map<string, ScalarSeries>;

export interface TailResult {
  /** The scalars read, when the read was not given a sink of its own. */
  readonly points: PointsByTag;
  /** Set once, on the read that stopped the file, skipped records, or found the file replaced. */
  readonly warning?: string;
}

export interface ReadOptions {
  /** The writer is done: an incomplete record at the end is a truncated file, not one still being written. */
  readonly final?: boolean;
  /** Where decoded events go; by default the scalars are collected into the result's `points`. */
  readonly sink?: EventSink;
  /** Stop after about this many bytes (at a chunk boundary); the rest waits for the next read. */
  readonly maxBytes?: number;
  /**
   * A buffer to read into, reused across reads that do not overlap (a LogDirectory's polls run one at
   * a time), so that reading a large folder does not leave a chunk of garbage per file per poll.
   */
  readonly scratch?: { buffer: Buffer };
}

/** How much a read takes in at once; larger records are read whole. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** Bytes compared at the start of the file to notice it was deleted and written again. */
const HEAD_BYTES = 64;

/**
 * One event file being tailed. A partial record at the end waits for the rest; a corrupt record stops
 * the file for good (what came before it is kept), since nothing after it can be trusted. A record
 * whose checksums are right but whose contents do not decode is skipped and counted. A file that was
 * replaced (another inode, fewer bytes than were read, or other first bytes) is read again from the start.
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
  /** Size at the last `stat`. */
  size = 0;
  private identity: { dev: number; ino: number } | undefined;
  private head: Buffer | undefined;

  constructor(
    readonly filePath: string,
    private readonly decoder: ScalarDecoder = new ScalarDecoder(),
  ) {}

  get stopped(): boolean {
    return this.stoppedReason !== undefined;
  }

  /** Bytes written that a read has not taken in yet (a read stopped by `maxBytes`, or new data). */
  get backlog(): number {
    return this.stopped ? 0 : Math.max(0, this.size - this.offset - this.pendingBytes);
  }

  /**
   * Reads what was appended since the last call. With `final`, an incomplete record at the end is
   * reported as a truncated file (its writer is done) instead of waiting for the rest.
   */
  async read(options: ReadOptions = {}): Promise<TailResult> {
    const points: PointsByTag = new Map();
    const sink = options.sink ?? collectScalars(points);
    let stat;
    try {
      stat = await fs.stat(this.filePath);
    } catch (error) {
      // A file deleted between the scan and the read has nothing more to give; not a warning.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { points };
      throw error;
    }
    const size = stat.size;
    const notes: string[] = [];
    if (await this.wasReplaced(stat)) {
      notes.push(`${path.basename(this.filePath)}: was replaced; read again from the start`);
      this.offset = 0;
      this.pendingBytes = 0;
      this.stoppedReason = undefined;
      this.malformedRecords = 0;
      this.head = undefined;
    }
    this.identity = { dev: stat.dev, ino: stat.ino };
    this.size = size;
    const result = (warning?: string): TailResult => {
      const all = warning ? [...notes, warning] : notes;
      return all.length ? { points, warning: all.join('; ') } : { points };
    };
    if (this.stopped) return result();
    if (size === this.offset + this.pendingBytes && !options.final) return result();
    if (size > this.offset) {
      const malformedBefore = this.malformedRecords;
      const first: { reason?: string } = {};
      const end = await this.readRange(size, sink, options.maxBytes ?? Infinity, first, options.scratch);
      if (this.head === undefined && this.offset > 0) await this.rememberHead();
      const malformed = this.malformedRecords - malformedBefore;
      const skipped =
        malformed > 0
          ? `${path.basename(this.filePath)}: skipped ${malformed} record(s) that are not valid events (${first.reason})`
          : undefined;
      if (end.kind === 'corrupt') {
        return result(
          [skipped, this.stop(`${end.reason} at byte ${this.offset}`)].filter(Boolean).join('; '),
        );
      }
      if (skipped && (!options.final || this.pendingBytes === 0)) return result(skipped);
    }
    if (options.final && this.pendingBytes > 0) {
      return result(
        this.stop(`the file ends inside a record (${this.pendingBytes} bytes after byte ${this.offset})`),
      );
    }
    return result();
  }

  /** Another file under the same name: another inode, fewer bytes than were read, or other first bytes. */
  private async wasReplaced(stat: { dev: number; ino: number; size: number }): Promise<boolean> {
    if (!this.identity) return false;
    if (stat.dev !== this.identity.dev || stat.ino !== this.identity.ino) return true;
    if (stat.size < this.offset) return true;
    // File systems reuse a deleted file's inode at once; the first bytes (the first record holds the
    // writer's wall time) tell the files apart. Checked only when there is something new to read.
    if (this.head && stat.size !== this.size) {
      const now = await this.readHead(this.head.length);
      return now === undefined || !now.equals(this.head);
    }
    return false;
  }

  private async rememberHead(): Promise<void> {
    this.head = await this.readHead(Math.min(HEAD_BYTES, this.offset));
  }

  private async readHead(length: number): Promise<Buffer | undefined> {
    try {
      const handle = await fs.open(this.filePath, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const got = await readFully(handle, buffer, length, 0);
        return got === length ? buffer : undefined;
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  }

  private async readRange(
    size: number,
    sink: EventSink,
    maxBytes: number,
    first: { reason?: string },
    scratch: { buffer: Buffer } = { buffer: Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - this.offset)) },
  ): Promise<ScanEnd> {
    const handle = await fs.open(this.filePath, 'r');
    const started = this.offset;
    try {
      let buffer = scratch.buffer;
      let needed = 0;
      while (this.offset < size) {
        const want = Math.min(size - this.offset, Math.max(CHUNK_BYTES, needed));
        if (buffer.length < want) {
          buffer = Buffer.allocUnsafe(want);
          // A record larger than a chunk keeps its buffer only while it is read.
          if (want <= CHUNK_BYTES) scratch.buffer = buffer;
        }
        const got = await readFully(handle, buffer, want, this.offset);
        const bytes = buffer.subarray(0, got);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const result = scanRecords(bytes, (start, end) => {
          try {
            this.decoder.decode(bytes, start, end, view, sink);
          } catch (error) {
            // Whatever a record with valid checksums provokes (a ProtobufError, or a RangeError from
            // bytes no writer makes), it is one bad record: skipped, and the file goes on.
            this.malformedRecords++;
            first.reason ??= error instanceof Error ? error.message : String(error);
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
        if (this.offset - started >= maxBytes) break;
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
  readonly tags: Map<string, SampledSeries>;
  readonly sink: EventSink;
  /** From the hparams plugin's `session_start_info` in the run's folder. */
  hparams?: Readonly<Record<string, HParamValue>>;
}

export interface PollResult {
  /** Runs or tags appeared: the run list changed. */
  readonly runsChanged: boolean;
  /** Scalars read by this poll (before sampling). */
  readonly pointsRead: number;
  /** Bytes are left to read (the poll stopped at its budget): poll again soon. */
  readonly more: boolean;
  readonly warnings: readonly string[];
}

export interface LogDirectoryOptions {
  /** Tags kept over the whole folder; later ones are counted and left out, with a warning. */
  readonly maxTags?: number;
  /** Points kept a series (reservoir-sampled past it, the latest always kept). */
  readonly maxPointsPerSeries?: number;
  /** Bytes a poll reads from each file at most, so that the first chart of a large log comes at once. */
  readonly maxBytesPerFile?: number;
}

/** Cards the page can draw without becoming unusable; TensorBoard pages them, we cap them. */
export const DEFAULT_MAX_TAGS = 1000;
/** TensorBoard's data server keeps 1,000 scalars a series; a chart shows 10,000 just as quickly. */
export const DEFAULT_MAX_POINTS_PER_SERIES = 10_000;
export const DEFAULT_MAX_BYTES_PER_FILE = 8 * 1024 * 1024;
/** Names of left-out tags remembered to count them; past this the count says "more than". */
const MAX_COUNTED_TAGS = 100_000;
/** Tags named per plugin in the folder's status. */
const MAX_LISTED_TAGS = 20;

/** Folders deeper than this under the log folder are not searched for runs. */
const MAX_DEPTH = 8;

/**
 * A TensorBoard log folder: every folder under it holding event files is a run (Keras writes
 * `train/` and `validation/`), named by its path relative to the log folder (`.` for the folder
 * itself). A run's files are read in name order into one series per tag, as TensorBoard's data
 * server does: restarts preempt, long series are reservoir-sampled.
 */
export class LogDirectory {
  private readonly runsByName = new Map<string, Run>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly maxTags: number;
  private readonly maxPoints: number;
  private readonly maxBytesPerFile: number;
  private readonly scratch = { buffer: Buffer.alloc(0) };
  /** Every tag kept, over all runs: what the cap counts. */
  private readonly keptTags = new Set<string>();
  private readonly leftOutTags = new Set<string>();
  private leftOutWarned = 0;
  /** Links already reported, so that each is reported once. */
  private readonly reportedLinks = new Set<string>();
  /** Points read since the poll began; the sinks count them. */
  private pointsRead = 0;
  private runsChanged = false;
  /** Tags of values that are not scalars, by plugin (distinct, counted up to MAX_COUNTED_TAGS). */
  private readonly otherTags = new Map<string, Set<string>>();
  private readonly otherRecords = new Map<RecordKind, number>();
  private lastScan = { folders: 0, eventFiles: 0, skippedLinks: 0 };
  /** The hparams experiment's metric tags, once a run holds its `experiment` record. */
  private experimentMetrics: readonly string[] | undefined;

  constructor(
    readonly root: string,
    options: LogDirectoryOptions = {},
  ) {
    this.maxTags = options.maxTags ?? DEFAULT_MAX_TAGS;
    this.maxPoints = options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS_PER_SERIES;
    this.maxBytesPerFile = options.maxBytesPerFile ?? DEFAULT_MAX_BYTES_PER_FILE;
  }

  /** Runs with scalars or hyperparameters, and their tags. */
  runs(): RunSummary[] {
    return [...this.runsByName.values()]
      .filter((run) => run.tags.size > 0 || run.hparams)
      .sort((a, b) => compareNames(a.name, b.name))
      .map((run) => ({
        name: run.name,
        tags: [...run.tags.keys()].sort(compareNames),
        ...(run.hparams && { hparams: run.hparams }),
      }));
  }

  /** The metrics the hparams experiment names, if a run holds its `experiment` record. */
  hparamsMetrics(): readonly string[] | undefined {
    return this.experimentMetrics;
  }

  /** Every point of a run's tag kept so far. */
  points(run: string, tag: string): ScalarPoint[] {
    return this.runsByName.get(run)?.tags.get(tag)?.toPoints() ?? [];
  }

  series(run: string, tag: string): SampledSeries | undefined {
    return this.runsByName.get(run)?.tags.get(tag);
  }

  /** What was found and read: the page explains an empty folder with it. */
  status(): FolderStatus {
    let bytes = 0;
    let bytesRead = 0;
    let points = 0;
    for (const run of this.runsByName.values()) {
      for (const file of run.files.values()) {
        bytes += file.size;
        bytesRead += file.offset;
      }
      for (const series of run.tags.values()) points += series.seen;
    }
    const otherTags = [...this.otherTags.entries()]
      .sort(([a], [b]) => compareNames(a, b))
      .map(([plugin, tags]) => ({
        plugin,
        count: tags.size,
        examples: [...tags].sort(compareNames).slice(0, MAX_LISTED_TAGS),
      }));
    return {
      folders: this.lastScan.folders,
      eventFiles: this.lastScan.eventFiles,
      skippedLinks: this.lastScan.skippedLinks,
      bytes,
      bytesRead,
      points,
      otherTags,
      otherRecords: Object.fromEntries(this.otherRecords),
    };
  }

  /** Finds new runs and files and reads what was appended. Calls run one after another. */
  poll(): Promise<PollResult> {
    const next = this.chain.then(() => this.pollOnce());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private newRun(name: string): Run {
    const run: Run = {
      name,
      decoder: new ScalarDecoder(),
      files: new Map(),
      tags: new Map(),
      sink: {
        scalar: (tag, step, wallTime, value) => {
          let series = run.tags.get(tag);
          if (!series) {
            if (!this.keep(tag)) return;
            run.tags.set(tag, (series = new SampledSeries(this.maxPoints)));
            this.runsChanged = true;
          }
          series.offer(step, wallTime, value);
          this.pointsRead++;
        },
        // TensorBoard's event accumulator: a restarted session supersedes every tag's later steps.
        sessionStart: (step) => {
          for (const series of run.tags.values()) series.preempt(step);
        },
        otherValue: (tag, plugin) => {
          let tags = this.otherTags.get(plugin);
          if (!tags) this.otherTags.set(plugin, (tags = new Set()));
          if (tags.size < MAX_COUNTED_TAGS) tags.add(tag);
        },
        otherRecord: (kind) => this.otherRecords.set(kind, (this.otherRecords.get(kind) ?? 0) + 1),
        hparams: (data) => {
          if (data.kind === 'session') run.hparams = data.hparams;
          else this.experimentMetrics = data.metrics;
          this.runsChanged = true;
        },
      },
    };
    return run;
  }

  /** Whether a tag not seen in this run may be kept: under the cap, or kept already by another run. */
  private keep(tag: string): boolean {
    if (this.keptTags.has(tag)) return true;
    if (this.keptTags.size < this.maxTags) {
      this.keptTags.add(tag);
      return true;
    }
    if (this.leftOutTags.size < MAX_COUNTED_TAGS) this.leftOutTags.add(tag);
    return false;
  }

  private async pollOnce(): Promise<PollResult> {
    const warnings: string[] = [];
    this.pointsRead = 0;
    this.runsChanged = false;
    let more = false;
    const found = await this.findEventFiles(warnings);
    for (const [runName, files] of found) {
      let run = this.runsByName.get(runName);
      if (!run) this.runsByName.set(runName, (run = this.newRun(runName)));
      // Writers name files by creation time, so name order is write order (TensorBoard reads so too).
      for (const file of files.sort(compareNames)) {
        if (!run.files.has(file))
          run.files.set(file, new EventFileTailer(path.join(this.root, file), run.decoder));
      }
      for (const tailer of run.files.values()) {
        let result: TailResult;
        try {
          result = await tailer.read({
            sink: run.sink,
            maxBytes: this.maxBytesPerFile,
            scratch: this.scratch,
          });
        } catch (error) {
          warnings.push(`${path.basename(tailer.filePath)}: ${(error as Error).message}`);
          continue;
        }
        if (result.warning) warnings.push(`${runName}: ${result.warning}`);
        if (tailer.backlog > 0) more = true;
      }
    }
    const leftOut = this.leftOutTags.size;
    if (leftOut > this.leftOutWarned) {
      this.leftOutWarned = leftOut;
      const total =
        leftOut >= MAX_COUNTED_TAGS ? `more than ${this.maxTags + leftOut}` : this.maxTags + leftOut;
      warnings.push(`showing the first ${this.maxTags} of ${total} tags`);
    }
    return { runsChanged: this.runsChanged, pointsRead: this.pointsRead, more, warnings };
  }

  /**
   * Event files under the root by run name; file paths relative to the root. Symbolic links to
   * folders and event files are followed (TensorBoard follows them too); a link to nothing, to
   * something that is neither, or back into a folder already read is skipped and reported once.
   */
  private async findEventFiles(warnings: string[]): Promise<Map<string, string[]>> {
    const runs = new Map<string, string[]>();
    const visited = new Set<string>();
    const scan = { folders: 0, eventFiles: 0, skippedLinks: 0 };
    const skipLink = (child: string, why: string) => {
      scan.skippedLinks++;
      if (this.reportedLinks.has(child)) return;
      this.reportedLinks.add(child);
      warnings.push(`${child}: ${why}; skipped`);
    };
    const visit = async (relative: string, depth: number): Promise<void> => {
      const absolute = path.join(this.root, relative);
      let entries;
      try {
        // Each folder once, however many links lead to it.
        const real = await fs.realpath(absolute);
        if (visited.has(real)) return;
        visited.add(real);
        entries = await fs.readdir(absolute, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (depth === 0 || (code !== 'ENOENT' && code !== 'EACCES')) {
          warnings.push(`${relative || this.root}: ${(error as Error).message}`);
        }
        return;
      }
      scan.folders++;
      for (const entry of entries) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        let isDirectory = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          if (!isEventFileName(entry.name) && depth >= MAX_DEPTH) continue;
          const target = await fs.readlink(path.join(this.root, child)).catch(() => '?');
          let stat;
          try {
            stat = await fs.stat(path.join(this.root, child));
          } catch {
            skipLink(child, `a symbolic link to ${target} that does not exist`);
            continue;
          }
          isDirectory = stat.isDirectory();
          isFile = stat.isFile();
          if (isDirectory) {
            const real = await fs.realpath(path.join(this.root, child)).catch(() => undefined);
            if (real === undefined || visited.has(real)) {
              skipLink(child, 'a symbolic link to a folder already read (a loop)');
              continue;
            }
          } else if (!isFile && isEventFileName(entry.name)) {
            skipLink(child, `a symbolic link to ${target}, which is not a regular file`);
            continue;
          }
        }
        if (isDirectory) {
          if (depth < MAX_DEPTH) await visit(child, depth + 1);
        } else if (isFile && isEventFileName(entry.name)) {
          const runName = relative || '.';
          let files = runs.get(runName);
          if (!files) runs.set(runName, (files = []));
          files.push(child);
          scan.eventFiles++;
        }
      }
    };
    await visit('', 0);
    this.lastScan = scan;
    return runs;
  }
}
