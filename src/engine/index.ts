/**
 * Public surface of the Fragmark watermark engine (fragile trigger generation and verification
 * over TF.js; Yin, Yin, Zhang, ICIP 2022, arXiv 2208.07585). Workers import from here only.
 *
 * Typical use:
 *
 *     await initBackend();                                   // once per process
 *     const classifier = await loadClassifierFromFiles(files);
 *     const { triggerSet } = await generateTriggers(classifier, { onProgress, signal });
 *     const sealed = encodeTriggerSet(triggerSet);           // store in the vault
 *     const commitment = triggerSetCommitment(sealed);       // goes into attestations
 *     const result = verifyClassifier(classifier, decodeTriggerSet(sealed), { policy: { kind: 'strict' } });
 */
export { EngineError, isEngineError, type EngineErrorCode } from './errors.ts';
export {
  initBackend,
  currentBackend,
  BACKEND_CHOICES,
  MIN_WASM_THREADS,
  MAX_WASM_THREADS,
  type BackendChoice,
  type BackendInfo,
  type InitBackendOptions,
} from './backend/index.ts';
export {
  computeWeightsDigest,
  predictLabels,
  layersModelOf,
  MODEL_FORMATS,
  type ArtifactFiles,
  type BinaryOutput,
  type Classifier,
  type InputLayout,
  type ModelFormat,
  type OutputKind,
} from './model/classifier.ts';
export { DEFAULT_MEMORY_BUDGET_MB, microBatchSize, passCost, type MicroBatchOptions, type PassCost, type PassKind } from './model/micro-batch.ts';
export {
  loadClassifierFromFiles,
  loadClassifierFromDir,
  loadClassifierFromPath,
  readModelFiles,
  detectModelFormat,
  modelFormatOf,
  classifierFromModel,
  saveModelToFiles,
  parameterCount,
  type ModelLimits,
} from './model/formats/index.ts';
export type { DeclaredWeightLimits } from './model/formats/tfjs-layers/declared-weights.ts';
export { loadMnist, loadMnistArrays, type MnistSplit } from './data/mnist.ts';
export {
  generateKey,
  balancedLabels,
  latentsFromSeed,
  DEFAULT_TRIGGER_COUNT,
  DEFAULT_LATENT_DIM,
  type SecretKey,
  type KeyOptions,
} from './key.ts';
export { checkObjectiveFits } from './generation/objectives/index.ts';
export {
  generateTriggers,
  TRIGGER_METHOD,
  PAPER_OPTIMIZER,
  PAPER_MAX_STEPS,
  DEFAULT_OPTIMIZER,
  type GenerationOptions,
  type GenerationProgress,
  type GenerationStage,
  type GenerationResult,
  type OptimizerConfig,
} from './generation/generate.ts';
export { DEFAULT_GENERATOR, PAPER_LATENT_DIM, type GeneratorConfig } from './generation/generator.ts';
export {
  DEFAULT_LOSS,
  PAPER_LOSS,
  PAPER_LAMBDA,
  DEFAULT_MARGIN_TARGET,
  DEFAULT_FLIP_WEIGHT,
  type LossKind,
  type LossSpec,
} from './generation/loss.ts';
export { DEFAULT_SENSITIVITY, type SensitivityOptions } from './generation/refine.ts';
export {
  fineTune,
  stampPatch,
  meanCrossEntropy,
  PAPER_FINETUNE,
  type SgdConfig,
  type BackdoorConfig,
  type FineTuneOptions,
  type FineTuneResult,
} from './attacks/finetune.ts';
export {
  magnitudePrune,
  gaussianNoise,
  gaussianNoiseClassifier,
  float16RoundTrip,
  roundToHalf,
  type PruneOptions,
  type NoiseOptions,
} from './attacks/weights.ts';
export { cloneModel, rewriteWeights } from './attacks/clone.ts';
export { calibrateTolerance, calibrateFromTransforms, flipFraction, type CalibrationResult } from './verification/calibrate.ts';
export {
  encodeTriggerSet,
  decodeTriggerSet,
  triggerSetCommitment,
  TRIGGER_SET_FORMAT_VERSION,
  type TriggerSet,
  type TriggerSetMetadata,
} from './triggers/format.ts';
export { selectTriggers } from './triggers/select.ts';
export { isOnnxName } from './model/formats/onnx/onnx-reader.ts';
export { ONNX_RUNTIME, onnxRuntimeLabels, type OnnxRuntimeOutput } from './model/formats/onnx/onnxruntime-labels.ts';
export {
  verifyClassifier,
  verifyClassifierYielding,
  verifyLabels,
  verdictFor,
  gatherTriggers,
  STRICT_POLICY,
  parseVerdictPolicy,
  type VerdictPolicy,
  type Verdict,
  type VerificationOptions,
  type VerificationResult,
} from './verification/verify.ts';
export {
  DEFAULT_INPUT_DOMAIN,
  UNBOUNDED_DOMAIN,
  UINT8_LEVELS,
  validateInputDomain,
  isBounded,
  levelValue,
  nearestLevel,
  projectToDomain,
  firstOutsideDomain,
  toLevels,
  shareAtLimits,
  domainToJson,
  domainFromJson,
  type InputDomain,
  type InputEncoding,
} from './serving/input-domain.ts';
export { NUMERICS, roundTo, roundArrayTo, type Numerics } from './serving/number-formats.ts';
export {
  SERVING_PROFILES,
  PROFILES,
  DEFAULT_SERVING_PROFILE,
  SERVING_SAFETY_FACTOR,
  isServingProfile,
  type ServingProfile,
  type ProfileSpec,
} from './serving/profiles.ts';
export { emulateNumerics } from './serving/emulated-model.ts';
export { checkServing, keyMargins, type ServingCheck, type ServingCheckOptions, type VariantResult } from './serving/serving-check.ts';
