// Reads what the extension logged, from the file VS Code writes the "AI Onramp" log channel to.
import { existsSync, readFileSync } from 'node:fs';
import { getApi, waitFor } from './helpers';

/** What the log file says, once it contains `needle` (VS Code writes the channel's file asynchronously). */
export async function logContaining(needle: string): Promise<string> {
  const api = await getApi();
  return waitFor(
    () => {
      const text = existsSync(api.logFile.fsPath) ? readFileSync(api.logFile.fsPath, 'utf8') : '';
      return text.includes(needle) ? text : undefined;
    },
    { timeoutMs: 15_000, message: `"${needle}" in ${api.logFile.fsPath}` },
  );
}
