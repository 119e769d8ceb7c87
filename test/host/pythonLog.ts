// Reads what the extension logged, from the file VS Code writes the "AI Onramp" log channel to.
import { existsSync, readFileSync } from 'node:fs';
import { getApi, waitFor } from './helpers';

async function readLog(): Promise<() => string> {
  const api = await getApi();
  return () => (existsSync(api.logFile.fsPath) ? readFileSync(api.logFile.fsPath, 'utf8') : '');
}

/** How long the log is now: pass it as `after` to wait only for what is logged from here on. */
export async function logLength(): Promise<number> {
  return (await readLog())().length;
}

/**
 * What the log file says, once it contains `needle` past its first `after` characters (VS Code writes the
 * channel's file asynchronously).
 */
export async function logContaining(needle: string, after = 0, timeoutMs = 15_000): Promise<string> {
  const api = await getApi();
  const read = await readLog();
  try {
    return await waitFor(() => (read().includes(needle, after) ? read() : undefined), {
      timeoutMs,
      message: `"${needle}" in ${api.logFile.fsPath}`,
    });
  } catch (e) {
    // The log's end says what happened instead; the scratch folder holding it is gone after the run.
    throw new Error(`${(e as Error).message}\n--- log tail ---\n${read().slice(-3000)}`);
  }
}
