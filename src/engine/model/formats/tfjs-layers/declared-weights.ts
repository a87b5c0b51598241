/**
 * What a Layers topology will allocate, found without allocating it.
 *
 * `tf.loadLayersModel` builds every layer (allocating each declared weight at its declared size)
 * before it looks at the weight data, and when the data then does not fit it throws without
 * disposing what it built. A model.json declaring Dense(16000) on a 16000-wide input with a
 * one-weight manifest thus allocated a 1 GB kernel per upload that nothing freed (issue 16
 * item 2). Computing the declared weights by hand would mean re-implementing every layer's shape
 * logic; instead this runs TF.js's own deserialisation (symbolic: layers are built, never called)
 * with `Layer.prototype.addWeight` replaced by a recorder whose weights hold no tensor, so TF.js
 * itself says which weights of which shapes it would create. On that tensor-free model TF.js's
 * own `loadWeights` then rehearses the name and shape matching that would throw after the build.
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../../errors.ts';
import { parameterCount, type ModelLimits } from '../format-reader.ts';

export interface DeclaredWeight {
  /** The layer that declares it (as named in the topology). */
  readonly layer: string;
  /** The weight's own name inside its layer, e.g. "kernel". */
  readonly name: string;
  readonly shape: readonly number[];
}

/** The limits a Layers topology is checked against (the same as every format's). */
export type DeclaredWeightLimits = ModelLimits;

/**
 * Refuses (EngineError INVALID_MODEL), before anything is built, a topology that declares more
 * than `limits.maxParameters`, or weights other than the manifest's model weights (names, shapes
 * and dtypes as TF.js matches them when loading, so that loading cannot fail after the build and
 * the build allocates no more than the uploaded weight data holds).
 */
export async function checkDeclaredWeights(topology: object, weightSpecs: readonly tf.io.WeightsManifestEntry[], limits: DeclaredWeightLimits = {}): Promise<void> {
  const { declared, rehearseLoad } = await dryRun(topology);
  // Optimizer state is decoded and dropped by TF.js, never loaded into the model.
  const modelSpecs = weightSpecs.filter((spec) => spec.group !== 'optimizer');
  const declaredTotal = total(declared);
  const listedTotal = total(modelSpecs);
  const largest = declared.reduce<DeclaredWeight | undefined>((a, w) => (a === undefined || parameterCount(w.shape) > parameterCount(a.shape) ? w : a), undefined);
  const biggest = largest === undefined ? '' : `, the largest layer "${largest.layer}" ${largest.name} [${largest.shape.join(', ')}] (${count(parameterCount(largest.shape))})`;
  const max = limits.maxParameters ?? Infinity;
  if (declaredTotal > max) {
    throw new EngineError('INVALID_MODEL', `the topology declares ${count(declaredTotal)} parameters${biggest}; at most ${count(max)} are accepted`, { declaredTotal, max });
  }
  if (declaredTotal !== listedTotal) {
    throw new EngineError(
      'INVALID_MODEL',
      `the topology declares ${count(declaredTotal)} parameters in ${declared.length} weights${biggest}, but the weightsManifest lists ${count(listedTotal)} in ${modelSpecs.length}`,
      { declaredTotal, listedTotal },
    );
  }
  try {
    rehearseLoad(modelSpecs);
  } catch (error) {
    throw new EngineError('INVALID_MODEL', `the weightsManifest does not fit the topology: ${(error as Error).message}`, {}, { cause: error });
  }
}

/**
 * The weights `topology` declares, in the order its layers create them, found without allocating
 * (the dry run below). Formats that store weights by position (Keras 3 `vars/<i>`) name them from it.
 */
export async function declaredWeights(topology: object): Promise<DeclaredWeight[]> {
  return (await dryRun(topology)).declared;
}

type AddWeight = (this: LayerInternals, name: string, shape: number[], dtype?: tf.DataType | null, initializer?: unknown, regularizer?: unknown, trainable?: boolean | null) => unknown;

interface LayerInternals {
  name: string;
  _trainableWeights: unknown[];
  _nonTrainableWeights: unknown[];
}

/** What loadWeights reads of a value: a tensor's shape and dtype. */
interface ValueShape {
  shape: number[];
  dtype: tf.DataType;
}

interface DryRun {
  declared: DeclaredWeight[];
  /** Runs the model's loadWeights (strict) with values standing in for `specs`; throws as TF.js would. */
  rehearseLoad(specs: readonly tf.io.WeightsManifestEntry[]): void;
}

/**
 * Deserialises `topology` (model.json's modelTopology) with the weight recorder installed on the
 * shared Layer prototype only while modelFromJSON runs its synchronous part, which (with no
 * weightsManifest given, nothing to fetch) is all of it: no other code runs in between.
 */
async function dryRun(topology: object): Promise<DryRun> {
  const declared: DeclaredWeight[] = [];
  const standIns = new Set<unknown>();
  const prototype = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
  const original = prototype.addWeight;
  const recorder: AddWeight = function (name, shape, dtypeArg, _initializer, _regularizer, trainableArg) {
    // Layers pass null as often as undefined; addWeight's own defaults.
    const dtype = dtypeArg ?? 'float32';
    const trainable = trainableArg ?? true;
    declared.push({ layer: this.name, name, shape: [...shape] });
    // A scalar variable gets the scoped, uniquified names TF.js would give the real weight.
    const zero = tf.scalar(0);
    const probe = new tf.LayerVariable(zero, dtype, name, trainable);
    probe.dispose();
    zero.dispose();
    const standIn = {
      name: probe.name,
      originalName: probe.originalName,
      shape: [...shape],
      dtype,
      trainable,
      dispose() {},
      // What loadWeights' batchSetValue does with each matched value, less the assignment.
      write(value: ValueShape) {
        if (!tf.util.arraysEqual(value.shape, shape)) throw new Error(`weight ${probe.originalName} has shape [${shape.join(',')}] but the weightsManifest gives [${value.shape.join(',')}]`);
        if (value.dtype !== dtype) throw new Error(`weight ${probe.originalName} is ${dtype} but the weightsManifest gives ${value.dtype}`);
      },
    };
    (trainable ? this._trainableWeights : this._nonTrainableWeights).push(standIn);
    standIns.add(standIn);
    return standIn;
  };
  let built: Promise<tf.LayersModel>;
  prototype.addWeight = recorder;
  try {
    built = tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  } finally {
    prototype.addWeight = original;
  }
  let model: tf.LayersModel;
  try {
    model = await built;
  } catch (error) {
    throw new EngineError('INVALID_MODEL', `TF.js cannot build the model topology: ${(error as Error).message}`, {}, { cause: error });
  }
  // A TF.js version whose deserialisation awaited before building would have built real weights.
  const real = model.weights.filter((w) => !standIns.has(w));
  if (real.length > 0) {
    for (const w of real) w.dispose();
    throw new Error('checkDeclaredWeights: TF.js built weights after the recorder was removed; check the TF.js version');
  }
  return {
    declared,
    rehearseLoad(specs) {
      const values: Record<string, ValueShape> = {};
      for (const spec of specs) values[spec.name] = { shape: [...spec.shape], dtype: spec.dtype };
      model.loadWeights(values as unknown as tf.NamedTensorMap, true);
    },
  };
}

function total(weights: ReadonlyArray<{ shape: readonly number[] }>): number {
  return weights.reduce((sum, w) => sum + parameterCount(w.shape), 0);
}

function count(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than 2^53';
}
