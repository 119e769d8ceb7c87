/**
 * Writes the pytorch-mnist template's train_mnist.py (src/extension/scaffold/templates/pytorch-mnist/) from
 * src/shared/pythonCode/pytorchTemplate.ts, whose training loop is the generated train_pytorch.py's: change the
 * loop there, then run `npx tsx scripts/write-pytorch-template.ts`. A unit test fails while the two differ.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTORCH_TEMPLATE_FILE, pytorchTemplateScript } from '../src/shared/pythonCode';

const file = join(__dirname, '..', PYTORCH_TEMPLATE_FILE);
writeFileSync(file, pytorchTemplateScript());
process.stdout.write(`wrote ${file}\n`);
