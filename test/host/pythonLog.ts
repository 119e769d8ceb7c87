// Reads what the extension logged, from the file VS Code writes the "AI Onramp" log channel to.
import { existsSync, readFileSync } from 'node:fs';
import { getApi, waitFor } from './helpers';

/** What the log file says, once it contains `needle` (VS Code writes the channel's file asynchronously). */
export async function logContaining(needle: string): Promise<string> {
  const api = await getApi();
  const read = () => (existsSync(api.logFile.fsPath) ? readFileSync(api.logFile.fsPath, 'utf8') : '');
  try {
    return await waitFor(() => (read().includes(needle) ? read() : undefined), {
      timeoutMs: 15_000,
      message: `"${needle}" in ${api.logFile.fsPath}`,
    });
  } catch (e) {
    // The log's end says what happened instead; the scratch folder holding it is gone after the run.
    throw new Error(`${(e as Error).message}\n--- log tail ---\n${read().slice(-3000)}`);
  }
}
