// Copies the New AI Project templates (src/extension/scaffold/templates/) to dist/templates/, where the extension reads
// them at run time and from where they ship in the VSIX. Called by build.mjs as `default({root})`.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default function buildTemplates({ root }) {
  const dest = join(root, 'dist/templates');
  // A template file deleted from src must not linger in dist.
  rmSync(dest, { recursive: true, force: true });
  cpSync(join(root, 'src/extension/scaffold/templates'), dest, { recursive: true });
}
