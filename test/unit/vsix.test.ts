import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '../..');

/** What a published VSIX may hold: the manifest and its translations, built output, media and walkthroughs. */
const allowed = [
  /^package\.json$/,
  /^package\.nls(\.[a-z-]+)?\.json$/,
  /^(README|CHANGELOG)\.md$/,
  /^LICENSE$/,
  /^l10n\/bundle\.l10n\.[a-z-]+\.json$/,
  /^dist\//,
  /^media\//,
  /^walkthroughs\/(en|zh-cn)\/[\w.-]+\.md$/,
];

describe('VSIX content (vsce ls)', function () {
  this.timeout(60_000);
  let files: string[];

  before(async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
      { cwd: root },
    );
    files = stdout.split('\n').filter(Boolean);
  });

  it('holds only shipped files: no sources, tests, caches or source maps', () => {
    const stray = files.filter((f) => !allowed.some((re) => re.test(f)) || /\.(ts|map)$/.test(f));
    assert.deepEqual(stray, []);
  });

  it('holds the extension bundle, its manifest and both languages', () => {
    for (const f of ['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'dist/extension.js']) {
      assert.ok(files.includes(f), `${f} is missing from the VSIX`);
    }
  });
});
