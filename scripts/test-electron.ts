// Runs the same host suite in desktop VS Code through @vscode/test-electron, on machines that can download
// VS Code (https://update.code.visualstudio.com). Where they cannot, `npm run test:host` runs the suite
// in code-server instead.
//
//   npm run test:electron [-- --grep PATTERN]
//
// Environment: AI_ONRAMP_VSCODE_VERSION (default: the engines.vscode minimum, 1.100.3; `stable` works
// too), AI_ONRAMP_TEST_GREP (as --grep). On Linux without a display, run it under `xvfb-run -a`.
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { HostTestResults } from '../test/host/index';

const root = resolve(__dirname, '..');
const suite = join(root, 'out/test/host/index.js');

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { grep: { type: 'string' } } });
  if (!existsSync(suite)) {
    console.error(`${suite} is missing: run \`npm run build\` first.`);
    return 1;
  }
  const version = process.env.AI_ONRAMP_VSCODE_VERSION ?? '1.100.3';
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version,
      cachePath: join(root, '.cache/vscode-test'),
      timeout: 30_000,
    });
  } catch (error) {
    console.error(
      `test:electron: could not download VS Code ${version} (${(error as Error).message}).\n` +
        'This needs access to update.code.visualstudio.com. Without it, run the same suite in ' +
        'code-server: npm run test:host',
    );
    return 2;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn(
      'test:electron: no DISPLAY; if VS Code fails to start, run under `xvfb-run -a npm run test:electron`.',
    );
  }

  const scratch = mkdtempSync(join(tmpdir(), 'ai-onramp-electron-'));
  const resultsFile = join(scratch, 'results.json');
  const grep = values.grep ?? process.env.AI_ONRAMP_TEST_GREP;
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      extensionTestsEnv: {
        AI_ONRAMP_TEST_RESULTS: resultsFile,
        ...(grep ? { AI_ONRAMP_TEST_GREP: grep } : {}),
      },
      launchArgs: [
        join(scratch, 'workspace'),
        '--user-data-dir',
        join(scratch, 'user-data'),
        '--extensions-dir',
        join(scratch, 'extensions'),
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
      ],
    });
    return 0;
  } catch (error) {
    if (error instanceof TestRunFailedError)
      return typeof error.code === 'number' && error.code > 0 ? error.code : 1;
    console.error(`test:electron: ${(error as Error).message}`);
    return 1;
  } finally {
    if (existsSync(resultsFile)) {
      const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostTestResults;
      console.log(
        `test:electron: ${r.passed} passed, ${r.failed} failed, ${r.pending} pending in ${r.durationMs} ms`,
      );
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
