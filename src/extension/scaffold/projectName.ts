// Checks a project (folder) name typed by a user, so that it is a valid folder name on every OS.
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

export type ProjectNameProblem =
  | 'empty'
  | 'tooLong'
  | 'separator' // "/" or "\"
  | 'invalidCharacter' // < > : " | ? * or a control character
  | 'dots' // "." or ".."
  | 'edgeSpaceOrDot' // leading/trailing space, trailing dot (Windows drops them silently)
  | 'reserved'; // CON, PRN, AUX, NUL, COM1…9, LPT1…9 (also with an extension) on Windows

const MAX_LENGTH = 100;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Undefined when `name` is fine. Spaces inside and any script (e.g. Chinese) are fine. */
export function validateProjectName(name: string): ProjectNameProblem | undefined {
  if (name.length === 0 || name.trim().length === 0) return 'empty';
  if ([...name].length > MAX_LENGTH) return 'tooLong';
  if (/[\\/]/.test(name)) return 'separator';
  // eslint-disable-next-line no-control-regex
  if (/[<>:"|?*\u0000-\u001f\u007f]/.test(name)) return 'invalidCharacter';
  if (name === '.' || name === '..') return 'dots';
  if (name !== name.trim() || name.endsWith('.')) return 'edgeSpaceOrDot';
  if (RESERVED.test(name)) return 'reserved';
  return undefined;
}

export type FolderState = 'absent' | 'empty' | 'notEmpty' | 'notAFolder';

export async function folderState(dir: string): Promise<FolderState> {
  const s = await stat(dir).catch(() => undefined);
  if (!s) return 'absent';
  if (!s.isDirectory()) return 'notAFolder';
  return (await readdir(dir)).length === 0 ? 'empty' : 'notEmpty';
}

/** `base`, or `base-2`, `base-3`, … : the first name not taken in `parent` (the name box's suggestion). */
export async function uniqueName(parent: string, base: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if ((await folderState(path.join(parent, name))) === 'absent') return name;
  }
  return base;
}
