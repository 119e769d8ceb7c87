// Reads a TensorBoard log folder incrementally: each event file (tailer.ts) is read from where the last
// read stopped, so a poll costs one `stat` per file until a writer appends. Node only; no `vscode` here,
// so unit tests and the bench use it directly.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ScalarDecoder, type EventSink, type RecordKind } from './events';
import type { FolderStatus, HParamValue, RunSummary } from '../../shared/protocol/tensorboard';
import { compareNames } from '../../shared/tensorboard/tags';
import type { ScalarPoint } from '../../shared/series';
import { SampledSeries } from './series';
import { EventFileTailer, isEventFileName, type Scratch, type TailResult } from './tailer';

// The single-file reader's names, importable from here as before.
export {
  EventFileTailer,
  isEventFileName,
  readEventFile,
  type PointsByTag,
  type ReadOptions,
  type TailResult,
} from './tailer';

interface Run {
  readonly name: string;
  readonly decoder: ScalarDecoder;
  readonly files: Map<string, EventFileTailer>;
  readonly tags: Map<string, SampledSeries>;
  /** The series of each tag by the decoder's number for it, so that a point costs no map lookup. */
  readonly byTagId: (SampledSeries | undefined)[];
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
  private readonly scratch: Scratch = {};
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
      byTagId: [],
      sink: {
        scalar: (tag, step, wallTime, value, tagId) => {
          const series = (tagId >= 0 && run.byTagId[tagId]) || this.seriesOf(run, tag, tagId);
          if (!series) return;
          series.offer(step, wallTime, value);
          this.pointsRead++;
        },
        scalars: (batch) => {
          const { tagIds, steps, wallTimes, values } = batch;
          const byTagId = run.byTagId;
          let read = 0;
          for (let i = 0; i < batch.count; i++) {
            const id = tagIds[i];
            const series = byTagId[id] || this.seriesOf(run, batch.tags[id], id);
            if (!series) continue;
            series.offer(steps[i], wallTimes[i], values[i]);
            read++;
          }
          this.pointsRead += read;
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

  /** The series of a run's tag, made when the tag may be kept (undefined when it may not). */
  private seriesOf(run: Run, tag: string, tagId: number): SampledSeries | undefined {
    let series = run.tags.get(tag);
    if (!series) {
      if (!this.keep(tag)) return undefined;
      run.tags.set(tag, (series = new SampledSeries(this.maxPoints)));
      this.runsChanged = true;
    }
    if (tagId >= 0) run.byTagId[tagId] = series;
    return series;
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
