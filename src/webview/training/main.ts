/**
 * Entry of the training panel's page (dist/webview/training.js). The host (or a test page) puts the page's
 * configuration in `<script type="application/json" id="ai-onramp-config">`; see TrainingPageConfig.
 */
import type { TrainingPageConfig } from '../../shared/protocol/training';
import { TrainingApp } from './app';
import { connectHost } from './messaging';
import { makeTranslate } from '../../shared/l10n/training';
import { installTestHooks } from './testHooks';

function readConfig(): TrainingPageConfig {
  const element = document.getElementById('ai-onramp-config');
  if (!element?.textContent) throw new Error('the page has no #ai-onramp-config element');
  return JSON.parse(element.textContent) as TrainingPageConfig;
}

/** The host's translated strings, or none when the configuration itself is what failed. */
function configStrings(): Record<string, string> {
  try {
    const strings = readConfig().strings;
    return typeof strings === 'object' && strings !== null ? (strings as Record<string, string>) : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const host = connectHost();
  const root = document.getElementById('app') ?? document.body;
  try {
    const app = new TrainingApp(root, readConfig(), host);
    installTestHooks(app);
    await app.init();
  } catch (e) {
    root.textContent = makeTranslate(configStrings())('startFailed', (e as Error).message);
    host.post({ type: 'log', level: 'error', message: `panel start failed: ${(e as Error).stack ?? e}` });
  }
}

void main();
