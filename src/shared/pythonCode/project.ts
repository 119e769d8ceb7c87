// The README and the list of files "Open as a Python project" writes.
import type { Hyperparameters } from '../hyperparameters';
import type { Architecture } from '../model';
import { architectureLine, KERAS_OPTIMIZER_CLASSES, pythonFloat, shapesOf } from './common';
import { kerasLoadWeightsScript, kerasTrainingScript } from './keras';
import { pytorchLoadWeightsScript, pytorchTrainingScript } from './pytorch';

/** A file of the generated project: a plain name and its text. */
export interface GeneratedFile {
  readonly name: string;
  readonly content: string;
}

export const GENERATED_FILE_NAMES = Object.freeze({
  kerasTrain: 'train_keras.py',
  kerasLoad: 'load_weights_keras.py',
  pytorchTrain: 'train_pytorch.py',
  pytorchLoad: 'load_weights_pytorch.py',
  readme: 'README.md',
});

/** The README of the generated project, naming every file. */
export function generatedReadme(arch: Architecture, h: Hyperparameters, pipLine: string): string {
  const n = GENERATED_FILE_NAMES;
  const parameters = shapesOf(arch).totalParameters.toLocaleString('en-US');
  return `# The model from the training panel

\`${architectureLine(arch)}\`

${parameters} parameters, trained with ${KERAS_OPTIMIZER_CLASSES[h.optimizer]} (learning rate ${pythonFloat(h.learningRate)}, ${h.schedule === 'cosine' ? 'cosine decay to 0' : 'constant'}), batch size ${h.batchSize},
${h.epochs} epochs, pixels / 255, as AI Onramp's training panel trains it.

## Files

- \`${n.kerasTrain}\`: the model in Keras; trains it on MNIST and writes TensorBoard logs to \`logs/\`.
- \`${n.pytorchTrain}\`: the same layers, optimizer and constants in PyTorch.
- \`${n.kerasLoad}\`: loads the panel's \`weights.npz\` ("Try it" → "Save model to a folder…") into the Keras model.
- \`${n.pytorchLoad}\`: loads the same \`weights.npz\` into the PyTorch model (kernels transposed to PyTorch's layout).
- \`requirements.txt\`: the packages \`.venv\` got; the other framework's script needs its own
  (\`pip install tensorflow\` or \`pip install torch torchvision tensorboard\`).

## Run it

\`\`\`sh
source .venv/bin/activate        # Windows: .venv\\Scripts\\activate
python ${n.kerasTrain}           # or: python ${n.pytorchTrain}
\`\`\`

## If packages are missing

\`\`\`sh
${pipLine}
\`\`\`
`;
}

/** Every file "Open as a Python project" writes besides the template's requirements. */
export function pythonProjectFiles(arch: Architecture, h: Hyperparameters, pipLine: string): GeneratedFile[] {
  const n = GENERATED_FILE_NAMES;
  return [
    { name: n.kerasTrain, content: kerasTrainingScript(arch, h) },
    { name: n.kerasLoad, content: kerasLoadWeightsScript(arch) },
    { name: n.pytorchTrain, content: pytorchTrainingScript(arch, h) },
    { name: n.pytorchLoad, content: pytorchLoadWeightsScript(arch) },
    { name: n.readme, content: generatedReadme(arch, h, pipLine) },
  ];
}
