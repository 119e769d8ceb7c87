// The Python code of an architecture and the panel's hyperparameters (./common.ts explains the layouts): the
// public surface the panel's Keras code view, the exporter and the scaffold import.
export {
  ArchitectureNotComplete,
  KERAS_OPTIMIZER_CLASSES,
  PANEL_TRAIN_SAMPLES,
  architectureLine,
  kerasLayer,
  npzWeightNames,
  pythonFloat,
} from './common';
export { kerasLoadWeightsScript, kerasTrainingScript } from './keras';
export { pytorchLoadWeightsScript, pytorchTrainingScript } from './pytorch';
export { PYTORCH_TEMPLATE_FILE, pytorchTemplateScript } from './pytorchTemplate';
export { GENERATED_FILE_NAMES, generatedReadme, pythonProjectFiles, type GeneratedFile } from './project';
