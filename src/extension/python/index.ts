// Python on this machine: "Check Python Environment", "Create Virtual Environment Here", "Choose Package Index",
// and the context keys they keep up to date. What other folders use of it is exported here; files that other
// folders load in plain Node (their unit tests) import python's editor-free modules directly instead, since
// this one loads `vscode`.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { CHECK_STARTED, checkPythonCommand, lastCheckState, ReportDocuments, runCheck } from './checkCommand';
import { createVenvCommand } from './createVenvCommand';
import { pickPackageIndex } from './indexPicker';
import { watchPythonSteps } from './stepWatch';

export { checkPython } from './check';
export { pickInterpreter, runCheck, type CheckPythonResult } from './checkCommand';
export { askExistingVenv, type CreateVenvResult } from './createVenvCommand';
export { envFailureMessage } from './envMessages';
export { announceOutcome, runEnvStep, setUpWithProgress, type EnvOutcome } from './envProgress';
export { chooseTorchWheels, findNvidiaGpu, type TorchWheels } from './gpu';
export { detectOs } from './osInfo';
export { diskLine, gatherPreflightFacts } from './preflight';
export { probeInterpreter } from './probe';
export { killTree, pythonEnv } from './process';
export type { ExistingVenvChoice } from './projectEnv';
export { selectInPythonExtension } from './pythonExtension';
export { inspectVenv, VENV_DIR_NAME } from './venv';
export { classifyVersion, supportedRangeText } from './versions';

export function registerPython(services: Services): void {
  const reports = new ReportDocuments();
  services.context.subscriptions.push(
    reports,
    vscode.workspace.registerTextDocumentContentProvider(ReportDocuments.scheme, reports),
    vscode.commands.registerCommand('aiOnramp.checkPython', (args?: unknown) =>
      checkPythonCommand(services, reports, args),
    ),
    vscode.commands.registerCommand('aiOnramp.createVenv', (args?: unknown) =>
      createVenvCommand(services, reports, args),
    ),
    vscode.commands.registerCommand('aiOnramp.pickPackageIndex', (args?: unknown) =>
      pickPackageIndex(services, args),
    ),
    // Once detection runs, what it found follows the setting and the workspace.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (services.pythonDemand.raised && e.affectsConfiguration('aiOnramp.pythonPath')) {
        refreshInBackground(services);
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (services.pythonDemand.raised) refreshInBackground(services);
    }),
  );
  // Nothing is probed or polled at start-up: detection begins when a walkthrough or a command first needs it.
  services.pythonDemand.whenRaised((reason) => {
    services.log.info(`python: detection starts (${reason})`);
    watchPythonSteps(services, lastCheckState, (change) => {
      services.log.info(`python: ${change}; checking again`);
      return refreshInBackground(services);
    });
    // A check that raised the demand is running already; anything else (a walkthrough on screen) needs one.
    if (reason !== CHECK_STARTED) refreshInBackground(services);
  });
}

function refreshInBackground(services: Services): Promise<unknown> {
  return runCheck(services).catch((e: unknown) => services.log.error(`python check failed: ${String(e)}`));
}
