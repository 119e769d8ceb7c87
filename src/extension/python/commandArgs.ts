// Checking command arguments, which come from anywhere (command links, other extensions): the pieces both
// "Create Virtual Environment Here" and "New AI Project" (scaffold/newProject.ts) check their fields with.
import { validatePipArgs } from './pip';
import type { ExistingVenvChoice } from './projectEnv';

/** A checked argument object, or why it was refused. */
export type ArgsCheck<T, Problem = never> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly nameProblem?: Problem };

export const EXISTING_VENV_CHOICES: readonly ExistingVenvChoice[] = ['use', 'recreate', 'cancel'];

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** `raw[key]` when it is an absolute path, undefined when absent, or the error. */
export function checkPathArg(
  raw: Record<string, unknown>,
  key: string,
): string | undefined | { error: string } {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096 || v.includes('\0') || !isAbsolute(v)) {
    return { error: `${key} must be an absolute path` };
  }
  return v;
}

/** `aiOnramp.createVenv` arguments. */
export interface CreateVenvArgs {
  readonly folder?: string;
  readonly python?: string;
  readonly existingVenv?: ExistingVenvChoice;
  readonly requirementsArgs: readonly string[];
}

export function parseCreateVenvArgs(raw: unknown): ArgsCheck<CreateVenvArgs> {
  if (raw === undefined || raw === null) return { ok: true, value: { requirementsArgs: [] } };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, reason: 'the argument must be an object' };
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter(
    (k) => !['folder', 'python', 'existingVenv', 'requirementsArgs'].includes(k),
  );
  if (unknown.length) return { ok: false, reason: `unknown argument: ${unknown.join(', ')}` };
  const folder = checkPathArg(r, 'folder');
  if (typeof folder === 'object') return { ok: false, reason: folder.error };
  const python = checkPathArg(r, 'python');
  if (typeof python === 'object') return { ok: false, reason: python.error };
  if (r.existingVenv !== undefined && !EXISTING_VENV_CHOICES.includes(r.existingVenv as ExistingVenvChoice)) {
    return { ok: false, reason: `existingVenv must be one of ${EXISTING_VENV_CHOICES.join(', ')}` };
  }
  const pip = validatePipArgs(r.requirementsArgs);
  if (!pip.ok) return { ok: false, reason: pip.reason };
  return {
    ok: true,
    value: {
      folder,
      python,
      existingVenv: r.existingVenv as ExistingVenvChoice | undefined,
      requirementsArgs: pip.args,
    },
  };
}
