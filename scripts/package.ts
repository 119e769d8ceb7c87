// `npm run package`: the VSIX users install, at dist-vsix/ai-onramp.vsix. vsce neither makes the output folder
// nor replaces a file it cannot write, so the folder is made here and a stale VSIX removed first. vsce runs
// `vscode:prepublish` (a clean production build) before it packs. The VSIX test layer calls `packageVsix()`.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
export const VSIX_PATH = join(root, 'dist-vsix', 'ai-onramp.vsix');

/** Packs the VSIX and returns its path and size; with `quiet`, vsce's output is shown only when it fails. */
export async function packageVsix({ quiet = false } = {}): Promise<{ path: string; bytes: number }> {
  mkdirSync(dirname(VSIX_PATH), { recursive: true });
  rmSync(VSIX_PATH, { force: true });
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  const args = [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', VSIX_PATH];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const relay = (chunk: Buffer) => {
    if (quiet) output += chunk.toString();
    else process.stdout.write(chunk);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const code = await new Promise<number | null>((ok, fail) => {
    child.on('error', fail);
    child.on('exit', ok);
  });
  if (code !== 0) throw new Error(`vsce package exited with code ${code}\n${output.slice(-4000)}`);
  return { path: VSIX_PATH, bytes: statSync(VSIX_PATH).size };
}

if (require.main === module) {
  packageVsix().then(
    ({ path, bytes }) => console.log(`package: ${path} (${(bytes / 2 ** 20).toFixed(1)} MB)`),
    (error: Error) => {
      console.error(`package: ${error.message}`);
      process.exit(1);
    },
  );
}
