// One TensorBoard event file read incrementally: each read starts where the last one stopped, so a
// poll costs one `stat` until a writer appends. Node only; LogDirectory (reader.ts) keeps one a file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ScalarDecoder, collectScalars, type EventSink } from './events';
import type { ScalarSeries } from './series';
import { RecordScanner, scanRecords, type ScanEnd } from './tfrecord';

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
   * Where to read, reused across reads that do not overlap (a LogDirectory's polls run one at a time),
   * so that reading a large folder does not leave a chunk of garbage per file per poll.
   */
  readonly scratch?: Scratch;
}

/** Where chunks are read and scanned: the scanner's memory, made by the first read that needs it. */
export interface Scratch {
  scanner?: RecordScanner;
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
    scratch: Scratch = {},
  ): Promise<ScanEnd> {
    const handle = await fs.open(this.filePath, 'r');
    const started = this.offset;
    try {
      let needed = 0;
      while (this.offset < size) {
        const want = Math.min(size - this.offset, Math.max(CHUNK_BYTES, needed));
        // Chunks go into the scanner's memory (grown up to a chunk as reads need); a record larger
        // than a chunk is read into a buffer of its own, kept only while it is read, and scanned here.
        let buffer: Buffer;
        let scanner: RecordScanner | undefined;
        if (want <= CHUNK_BYTES) {
          scanner = scratch.scanner ??= new RecordScanner(want);
          scanner.reserve(want);
          buffer = scanner.chunk;
        } else buffer = Buffer.allocUnsafe(want);
        const got = await readFully(handle, buffer, want, this.offset);
        const bytes = buffer.subarray(0, got);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const decode = (start: number, end: number) => {
          try {
            this.decoder.decode(bytes, start, end, view, sink);
          } catch (error) {
            // Whatever a record with valid checksums provokes (a ProtobufError, or a RangeError from
            // bytes no writer makes), it is one bad record: skipped, and the file goes on.
            this.malformedRecords++;
            first.reason ??= error instanceof Error ? error.message : String(error);
          }
        };
        const result = scanner ? scanner.scan(got, decode) : scanRecords(bytes, decode);
        // The decoder holds back up to a batch of scalars: they reach the sink before this read returns.
        this.decoder.flush();
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
