/**
 * The learner's examples on disk: one JSON file, `examples.json`, in the extension's global storage (not
 * globalState, which VS Code keeps in memory and rewrites whole on every change; this grows with every drawing).
 * Reads validate every entry (one that fails is logged and dropped, the rest kept); writes go to a temporary
 * file that is then renamed over the old one, one after another, so a crash mid-write leaves the previous list.
 * No example left: the file is deleted.
 */
import * as vscode from 'vscode';
import { MAX_EXAMPLES, readLearnerExamples, type LearnerExample } from '../../shared/protocol/training';
import { writeFileWhole } from '../common/files';
import { KeyedQueue } from '../common/keyedQueue';

export const EXAMPLES_FILE = 'examples.json';
const FORMAT_VERSION = 1;

export class ExampleStore {
  readonly file: vscode.Uri;
  private readonly writes = new KeyedQueue();
  private cache?: Promise<LearnerExample[]>;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>,
  ) {
    this.file = vscode.Uri.joinPath(storage, EXAMPLES_FILE);
  }

  /** The stored examples, oldest first (read once, then kept). */
  list(): Promise<LearnerExample[]> {
    return (this.cache ??= this.read());
  }

  private async read(): Promise<LearnerExample[]> {
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(this.file)).toString('utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; examples?: unknown };
      if (!Array.isArray(parsed.examples)) throw new Error('it has no list of examples');
      // Entry by entry: one damaged example must not lose the others.
      const kept: LearnerExample[] = [];
      for (const entry of parsed.examples.slice(0, MAX_EXAMPLES)) {
        try {
          const [example] = readLearnerExamples([entry]);
          if (!kept.some((e) => e.id === example.id)) kept.push(example);
        } catch (e) {
          this.log.warn(`Your examples: dropped an entry of ${this.file.fsPath}: ${(e as Error).message}`);
        }
      }
      return kept;
    } catch (e) {
      this.log.error(`Your examples: could not read ${this.file.fsPath}: ${(e as Error).message}`);
      return [];
    }
  }

  /** Adds `example` (an id already there is replaced); refused beyond MAX_EXAMPLES. */
  add(example: LearnerExample): Promise<LearnerExample[]> {
    return this.change((list) => {
      const others = list.filter((e) => e.id !== example.id);
      if (others.length >= MAX_EXAMPLES) {
        throw new Error(`there are already ${MAX_EXAMPLES} examples; delete some first`);
      }
      return [...others, example];
    });
  }

  delete(ids: readonly string[]): Promise<LearnerExample[]> {
    const gone = new Set(ids);
    return this.change((list) => list.filter((e) => !gone.has(e.id)));
  }

  deleteAll(): Promise<LearnerExample[]> {
    return this.change(() => []);
  }

  private change(edit: (list: LearnerExample[]) => LearnerExample[]): Promise<LearnerExample[]> {
    return this.writes.run('examples', async () => {
      const next = edit(await this.list());
      await this.write(next);
      this.cache = Promise.resolve(next);
      return next;
    });
  }

  private async write(examples: LearnerExample[]): Promise<void> {
    if (examples.length === 0) {
      await vscode.workspace.fs.delete(this.file).then(undefined, () => undefined);
      return;
    }
    await vscode.workspace.fs.createDirectory(this.storage);
    const text = JSON.stringify({ version: FORMAT_VERSION, examples });
    await writeFileWhole(this.file, text);
  }
}
