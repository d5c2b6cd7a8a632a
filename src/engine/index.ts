/** The engine's public API: pure TypeScript numerics over Float64Array, no imports outside src/engine. */
export * from './types';
export { createRng, type Rng } from './random';
export { forward, softmaxInto, checkIds, createInputProjections, type ForwardOptions, type InputProjections } from './forward';
export { backward, zeroGrads, type BackwardOptions } from './backward';
export {
  jacobianNorms,
  stepJacobian,
  spectralNorm,
  createLanczosWork,
  largestTridiagonalEigenvalue,
  type JacobianOptions,
  type LanczosWork,
} from './jacobian';
export { productNorms, forgetProducts, type ProductNorms, type ForgetProducts } from './gradientPaths';
export { initParams, withKnobs, cloneParams, type InitOptions, type Knobs } from './init';
export { createAdam, type Adam, type AdamOptions } from './adam';
export { sigmoid } from './activations';
export {
  parseModelJson,
  parseModelText,
  parseModelFile,
  parseJsonText,
  modelToFile,
  gradsToFile,
  ModelFileError,
  MODEL_FORMAT,
  MODEL_FORMAT_V2,
  MAX_LAYERS,
  type WeightsForm,
  MODEL_LIMITS,
  MODEL_LAYOUTS,
  LAYOUT_KEYS,
  type ModelLayout,
} from './modelFile';
export { tokenize, MAX_TOKENS, TokenizerError, type Tokenized } from './tokenizer';
export {
  createTrainer,
  encodeExamples,
  evaluateExamples,
  type EncodedExample,
  type TrainerOptions,
  type StepResult,
  type Evaluation,
  type Trainer,
} from './train';
export * from './tasks/index';
export * from './traceJson';
export { CELLS, type CellDescriptor } from './cells/index';
export { referenceForward, referenceLoss, type ReferenceTrace } from './reference';
export { RECIPES, scheduledLearningRate, type Recipe } from './tasks/recipes';
export {
  accuracyByTag,
  unitCorrelations,
  strongestUnit,
  gradientAtStep,
  type TagAccuracy,
  type UnitCorrelations,
  type GradientAtStep,
} from './tasks/metrics';
