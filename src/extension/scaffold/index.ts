// "New AI Project": a project folder from a template, with its .venv and packages (newProjectCommand.ts asks,
// newProject.ts does the work).
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { newProject } from './newProjectCommand';

export type { NewProjectResult } from './newProjectCommand';

export function registerScaffold(services: Services): void {
  const templatesRoot = vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'templates').fsPath;
  services.context.subscriptions.push(
    vscode.commands.registerCommand('aiOnramp.newProject', (args?: unknown) =>
      newProject(services, templatesRoot, args),
    ),
  );
}
