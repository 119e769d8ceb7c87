// Workspace trust in the manifest: AI Onramp runs in Restricted Mode ("limited": walkthroughs, the training
// panel, TensorBoard logs), and every setting that names a program or a package source is restricted, so a
// folder's own .vscode/settings.json cannot choose what AI Onramp runs or installs from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface Manifest {
  capabilities?: {
    untrustedWorkspaces?: { supported?: unknown; description?: string; restrictedConfigurations?: string[] };
  };
  contributes: { configuration: { properties: Record<string, unknown> } };
}

describe('workspace trust (manifest)', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
  const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

  it('supports untrusted workspaces in a limited way, with a description', () => {
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    const key = /^%(.+)%$/.exec(trust?.description ?? '')?.[1];
    assert.ok(key && nls[key]?.includes('Restricted Mode'), 'the description says what works');
  });

  it('restricts every setting that names a program or a package index', () => {
    const restricted = manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
    const runs = Object.keys(manifest.contributes.configuration.properties).filter((k) =>
      /(Path|Url)$/.test(k),
    );
    assert.deepEqual(runs.sort(), [
      'aiOnramp.python.indexUrl',
      'aiOnramp.python.uvPath',
      'aiOnramp.pythonPath',
    ]);
    for (const key of runs) assert.ok(restricted.includes(key), `${key} is restricted`);
    for (const key of restricted) {
      assert.ok(key in manifest.contributes.configuration.properties, `${key} is a declared setting`);
    }
  });
});
