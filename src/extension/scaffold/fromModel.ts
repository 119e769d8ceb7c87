// "Open as a Python project": New AI Project with the training panel's model. The files come from
// src/shared/pythonCode.ts (Keras and PyTorch training scripts, a load_weights script for each, a README naming
// them); the chosen template (Keras or PyTorch) gives requirements.txt, .gitignore and the editor settings, and
// its own article-model scripts and notebook are left out so that the project holds one model.
import type { PythonProjectModel } from '../../shared/protocol/training';
import { GENERATED_FILE_NAMES, pythonProjectFiles, type GeneratedFile } from '../../shared/pythonCode';
import { README_PIP_LINE, type TemplateId } from './templates';

/** The templates a model project can start from: the framework whose packages `.venv` gets. */
export const MODEL_TEMPLATES: readonly TemplateId[] = ['keras-mnist', 'pytorch-mnist'];

export interface GeneratedProject {
  readonly files: readonly GeneratedFile[];
  /** Template files not written (the generated files take their place). */
  readonly omit: readonly string[];
  /** The file opened after the project is made, per template. */
  mainFile(template: TemplateId): string;
}

export function generatedProject(model: PythonProjectModel): GeneratedProject {
  return {
    // The README's pip line is the templates' one, which writeTemplate rewrites for the index in use.
    files: pythonProjectFiles(model.architecture, model.hyperparameters, README_PIP_LINE),
    omit: ['train_mnist.py', 'load_weights.py'],
    mainFile: (template) =>
      template === 'pytorch-mnist' ? GENERATED_FILE_NAMES.pytorchTrain : GENERATED_FILE_NAMES.kerasTrain,
  };
}
