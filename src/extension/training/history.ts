import * as vscode from 'vscode';
import { readRunRecord, type RunRecord } from '../../shared/protocol/training';
import { writeFileWhole } from '../common/files';
import { KeyedQueue } from '../common/keyedQueue';

/**
 * Training runs, one JSON file each under the extension's global storage (`runs/<id>.json`), so runs can be
 * compared across sessions and workspaces. Files that fail validation are logged and skipped, never deleted. A
 * save writes the file whole (through a renamed temporary), so a listing made while a run saves never finds it
 * half-written and passes over it.
 */
export class RunHistory implements vscode.Disposable {
  private readonly dir: vscode.Uri;
  private readonly writes = new KeyedQueue();
  private readonly onDidSaveEmitter = new vscode.EventEmitter<RunRecord>();
  /** A run was saved (a few times an epoch while it trains, and when it finishes): the run as saved. */
  readonly onDidSave = this.onDidSaveEmitter.event;

  constructor(
    storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.dir = vscode.Uri.joinPath(storage, 'runs');
  }

  private file(id: string): vscode.Uri {
    if (!/^[\w.-]{1,100}$/.test(id)) throw new Error(`invalid run id ${JSON.stringify(id)}`);
    return vscode.Uri.joinPath(this.dir, `${id}.json`);
  }

  /** Saves `run`; saves of one run land in the order they were asked for (an epoch's after the one before). */
  save(run: RunRecord): Promise<void> {
    const file = this.file(run.id);
    return this.writes.run(run.id, async () => {
      await vscode.workspace.fs.createDirectory(this.dir);
      await writeFileWhole(file, JSON.stringify(run));
      this.onDidSaveEmitter.fire(run);
    });
  }

  dispose(): void {
    this.onDidSaveEmitter.dispose();
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  /** All readable runs, oldest first. */
  async list(): Promise<RunRecord[]> {
    let entries: [string, vscode.FileType][];
    try {
      // Created first: reading a missing folder works but makes VS Code log a stack trace.
      await vscode.workspace.fs.createDirectory(this.dir);
      entries = await vscode.workspace.fs.readDirectory(this.dir);
    } catch {
      return [];
    }
    const runs: RunRecord[] = [];
    for (const [name, type] of entries) {
      if (type !== vscode.FileType.File || !name.endsWith('.json')) continue;
      const uri = vscode.Uri.joinPath(this.dir, name);
      try {
        const value: unknown = JSON.parse(
          Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
        );
        // Runs saved before the schedule existed trained with a constant learning rate.
        const hyper = (value as { hyperparameters?: Record<string, unknown> } | null)?.hyperparameters;
        if (hyper && typeof hyper === 'object' && hyper.schedule === undefined) hyper.schedule = 'constant';
        // Only the known fields: a file written by an older version may hold fields no longer read.
        runs.push(readRunRecord(value));
      } catch (e) {
        this.log.warn(`Training history: skipped ${uri.fsPath}: ${(e as Error).message}`);
      }
    }
    return runs.sort((a, b) => a.startedAt - b.startedAt);
  }
}
