/**
 * The host side of "Open as a Python project": the page sends its model (layers and hyperparameters, already
 * validated by parseWebviewMessage); the host runs New AI Project (`aiOnramp.newProject`, the scaffold's public
 * surface: its questions, folder picker and progress) with that model, which writes the generated Keras and
 * PyTorch scripts and their load_weights scripts (src/shared/pythonCode.ts) into the project. The page gets an
 * answer whatever happens, so it never waits. Code is generated on the host from the checked model: nothing
 * the page sends is written as a file.
 */
import * as vscode from 'vscode';
import type { HostMessage, WebviewMessage } from '../../shared/protocol/training';
import { MAX_STRING } from '../../shared/protocol/validate';

type OpenRequest = Extract<WebviewMessage, { type: 'openPythonProject' }>;
type OpenAnswer = Extract<HostMessage, { type: 'pythonProjectOpened' }>;

/** What `aiOnramp.newProject` returns, as far as this answer needs it (the scaffold's NewProjectResult). */
export interface NewProjectOutcome {
  readonly status: 'created' | 'failed' | 'cancelled' | 'invalid';
  readonly message?: string;
  readonly projectDir?: string;
  readonly files?: { readonly written: readonly string[] };
}

export interface PythonProjectOptions {
  /** Runs New AI Project with these arguments; by default the command. */
  readonly run?: (args: Record<string, unknown>) => Thenable<NewProjectOutcome | undefined>;
  /** Answers given in advance (a test's folder, name and Python: nobody can click the pickers there). */
  readonly answers?: Readonly<Record<string, unknown>>;
}

const runCommand = (args: Record<string, unknown>) =>
  vscode.commands.executeCommand<NewProjectOutcome | undefined>('aiOnramp.newProject', args);

export async function openPythonProject(
  message: OpenRequest,
  log: vscode.LogOutputChannel,
  options: PythonProjectOptions = {},
): Promise<OpenAnswer> {
  const answer = (outcome: OpenAnswer['outcome'], extra: { folder?: string; error?: string } = {}) => ({
    type: 'pythonProjectOpened' as const,
    requestId: message.requestId,
    outcome,
    ...(extra.folder !== undefined && { folder: extra.folder.slice(0, MAX_STRING) }),
    ...(extra.error !== undefined && { error: extra.error.slice(0, MAX_STRING) }),
  });
  const layers = message.model.architecture.layers.map((l) => l.kind).join(', ');
  log.info(`Training panel: Open as a Python project (${layers})`);
  try {
    const result = await (options.run ?? runCommand)({ ...options.answers, model: message.model });
    if (!result) return answer('failed', { error: vscode.l10n.t('New AI Project did not answer.') });
    const folder = result.files && result.files.written.length > 0 ? result.projectDir : undefined;
    if (result.status === 'created') return answer('created', { folder: result.projectDir });
    if (result.status === 'cancelled') return answer('cancelled', { folder });
    return answer('failed', { folder, error: result.message ?? result.status });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log.error(`Training panel: Open as a Python project failed: ${error}`);
    return answer('failed', { error });
  }
}

/** Handles openPythonProject (returns true), posting the answer when New AI Project is done. */
export function handlePythonProjectMessage(
  message: WebviewMessage,
  log: vscode.LogOutputChannel,
  post: (answer: HostMessage) => void,
  options?: PythonProjectOptions,
): boolean {
  if (message.type !== 'openPythonProject') return false;
  void openPythonProject(message, log, options).then(post);
  return true;
}
