// The Python extension (ms-python.python), when installed: its selected interpreter is the one the user expects,
// and a new venv should become its selection. Absent in the test host, so this stays small.
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

/** The interpreter the Python extension has selected for `resource`, or undefined. */
export async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  if (!hasPythonExtension()) return undefined;
  try {
    const api = await PythonExtension.api();
    const env = await api.environments.resolveEnvironment(
      api.environments.getActiveEnvironmentPath(resource),
    );
    return env?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}

/** Makes `python` the Python extension's interpreter for `folder`; false when there is no Python extension. */
export async function selectInPythonExtension(python: string, folder: vscode.Uri): Promise<boolean> {
  if (!hasPythonExtension()) return false;
  try {
    const api = await PythonExtension.api();
    await api.environments.updateActiveEnvironmentPath(python, folder);
    return true;
  } catch {
    return false;
  }
}
