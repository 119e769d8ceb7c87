// The run history on the host's real file system: a run's record is saved a few times an epoch while the panel's
// history and the walkthrough's checks list the folder, so a listing must never find a record half-written (it
// would pass over the run, and a list taken then would miss it: a CI run once saw exactly that).
import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { RunHistory } from '../../src/extension/training/history';
import { sampleRun } from '../unit/runRecordFixture';

describe('run history on disk', function () {
  this.timeout(60_000);

  let folder: string;
  before(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'onramp-history-'));
  });
  after(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('lists a run while it is saved again and again, never skipping it as half-written', async () => {
    const warnings: string[] = [];
    const log = { warn: (message: string) => warnings.push(message) } as unknown as vscode.LogOutputChannel;
    const history = new RunHistory(vscode.Uri.file(folder), log);
    // A long run's record: about 2 MB of curves, so that each write takes a while.
    const point = (step: number) => ({ step, wallTime: 1_700_000_000 + step, value: 0.123456789 + step });
    const curve = Array.from({ length: 12_000 }, (_, i) => point(i + 1));
    const run = sampleRun({
      id: 'run-long',
      status: 'running',
      curves: { trainLoss: curve, trainAccuracy: curve, valLoss: [], valAccuracy: [] },
    });
    await history.save(run);

    let saving = true;
    const saves = (async () => {
      for (let epoch = 1; epoch <= 12; epoch++) await history.save({ ...run, epochsCompleted: epoch });
      saving = false;
    })();
    let listings = 0;
    while (saving) {
      const ids = (await history.list()).map((r) => r.id);
      assert.deepEqual(ids, ['run-long'], `listing ${listings + 1} during the saves`);
      listings++;
    }
    await saves;
    assert.deepEqual(warnings, []);
    assert.ok(listings >= 3, `only ${listings} listing(s) ran during the saves`);
    assert.equal((await history.get('run-long'))?.epochsCompleted, 12);
    // The temporary a save writes through is gone once it is renamed.
    assert.deepEqual(await fs.readdir(path.join(folder, 'runs')), ['run-long.json']);
    history.dispose();
  });
});
