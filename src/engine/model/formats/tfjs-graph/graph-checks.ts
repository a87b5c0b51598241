/**
 * What a Graph model must be for the engine: a graph the executor runs synchronously, with one
 * float input and one output. Every refusal names what was found.
 */
import { invalidModel } from '../../classifier.ts';
import { inputNodeName, type GraphModelJson, type NodeDef, type TensorInfoJson } from './model-json.ts';
import { opSupport } from './op-support.ts';

/** Op names our own emulation registers (emulation.ts): an upload may not bring them. */
export const RESERVED_OP_PREFIX = 'Fragmark';

/** The one input and one output the classifier reads: node names and the input's declared shape. */
export interface GraphIo {
  readonly inputNode: string;
  readonly outputNode: string;
  /** The input's dims without the batch (from the Placeholder, else the signature). */
  readonly inputShape: readonly (number | undefined)[];
}

const list = (names: readonly string[]) => names.join(', ');

/** Refuses control flow, ops the executor lacks, async/stateful ops and function libraries. */
export function checkOps(json: GraphModelJson): void {
  const functions = json.modelTopology.library?.function ?? [];
  if (Array.isArray(functions) && functions.length > 0) {
    throw invalidModel(`the graph has a function library (${functions.length} functions, used by control flow): only straight-line graphs are supported; export the model without tf.cond/tf.while_loop`);
  }
  if (json.modelInitializer !== undefined && json.modelInitializer !== null) {
    throw invalidModel('the model has an initializer graph (hash tables or other state): only stateless classifiers are supported');
  }
  const ops = json.modelTopology.node.map((n) => n.op);
  const reserved = [...new Set(ops.filter((op) => op.startsWith(RESERVED_OP_PREFIX)))];
  if (reserved.length > 0) throw invalidModel(`the graph uses ops reserved for Fragmark's emulation: ${list(reserved)}`, { ops: reserved });
  // A random op answers differently on every call: a clean model would verify TAMPERED at random.
  const random = [...new Set(ops.filter((op) => RANDOM_OPS.has(op)))].sort();
  if (random.length > 0) {
    throw invalidModel(`the graph draws random numbers (${list(random)}), so it answers differently each time; export the inference graph (dropout and noise layers off)`, { ops: random });
  }
  const support = opSupport(ops);
  if (support.controlFlow.length > 0) {
    throw invalidModel(
      `the graph has control flow (${list(support.controlFlow)}): only straight-line graphs are supported, as gradients must flow through every op; export the model without tf.cond/tf.while_loop/TensorArray (e.g. a Keras model traced for a fixed input shape)`,
      { ops: support.controlFlow },
    );
  }
  if (support.unsupported.length > 0) {
    throw invalidModel(`the graph uses ops TF.js's graph executor does not support: ${list(support.unsupported)}`, { ops: support.unsupported });
  }
  if (support.asyncOrStateful.length > 0) {
    throw invalidModel(`the graph uses ops that need asynchronous execution or state (${list(support.asyncOrStateful)}): a classifier must run synchronously`, { ops: support.asyncOrStateful });
  }
}

/** TensorFlow ops that draw random numbers (tf.raw_ops; those TF.js's executor knows or might). */
const RANDOM_OPS = new Set([
  'RandomUniform',
  'RandomUniformInt',
  'RandomStandardNormal',
  'TruncatedNormal',
  'Multinomial',
  'RandomShuffle',
  'RandomGamma',
  'RandomPoisson',
  'RandomPoissonV2',
  'StatelessRandomUniform',
  'StatelessRandomUniformV2',
  'StatelessRandomNormal',
  'StatelessRandomNormalV2',
  'StatelessTruncatedNormal',
]);

function dimsOf(info: TensorInfoJson | undefined): (number | undefined)[] | undefined {
  const dims = info?.tensorShape?.dim;
  if (info?.tensorShape?.unknownRank === true || dims === undefined) return undefined;
  return dims.map((d) => {
    const n = Number(d.size ?? -1);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  });
}

function placeholderDims(node: NodeDef): (number | undefined)[] | undefined {
  return dimsOf({ tensorShape: (node.attr?.['shape'] as { shape?: TensorInfoJson['tensorShape'] } | undefined)?.shape });
}

/** The single input and output, from the signature (as TF.js reads it) or else the graph itself. */
export function graphIo(json: GraphModelJson): GraphIo {
  const nodes = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  const sig = json.signature ?? {};
  const sigInputs = Object.entries(sig.inputs ?? {});
  const sigOutputs = Object.entries(sig.outputs ?? {});
  if (sigInputs.length > 1) throw invalidModel(`the model's signature has ${sigInputs.length} inputs (${list(sigInputs.map(([k]) => k))}); a classifier has exactly one`);
  if (sigOutputs.length > 1) throw invalidModel(`the model's signature has ${sigOutputs.length} outputs (${list(sigOutputs.map(([k]) => k))}); a classifier has exactly one (multi-output models are not supported)`);
  let inputNode: string;
  let signatureDims: (number | undefined)[] | undefined;
  if (sigInputs.length === 1) {
    const [key, info] = sigInputs[0]!;
    inputNode = inputNodeName(info.name ?? key);
    signatureDims = dimsOf(info);
    if (info.dtype !== undefined && info.dtype !== 'DT_FLOAT') throw invalidModel(`the model's input "${key}" is ${info.dtype}; a classifier takes float32 inputs`);
  } else {
    const placeholders = json.modelTopology.node.filter((n) => n.op === 'Placeholder' || n.op === 'PlaceholderWithDefault');
    if (placeholders.length !== 1) throw invalidModel(`the graph has ${placeholders.length} Placeholder inputs (${list(placeholders.map((p) => p.name))}) and no signature; a classifier has exactly one input`);
    inputNode = placeholders[0]!.name;
  }
  const input = nodes.get(inputNode);
  if (input === undefined || !input.op.startsWith('Placeholder')) throw invalidModel(`the model's input "${inputNode}" is not a Placeholder node of the graph`);
  const dtype = (input.attr?.['dtype'] as { type?: string } | undefined)?.type;
  if (dtype !== undefined && dtype !== 'DT_FLOAT') throw invalidModel(`the model's input "${inputNode}" is ${dtype}; a classifier takes float32 inputs`);
  let outputNode: string;
  if (sigOutputs.length === 1) {
    const [key, info] = sigOutputs[0]!;
    outputNode = inputNodeName(info.name ?? key);
    if (!nodes.has(outputNode)) throw invalidModel(`the model's output "${key}" names "${info.name}", which is not a node of the graph`);
  } else {
    const consumed = new Set(json.modelTopology.node.flatMap((n) => (n.input ?? []).map(inputNodeName)));
    const sinks = json.modelTopology.node.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp');
    if (sinks.length !== 1) throw invalidModel(`the graph has ${sinks.length} output nodes (${list(sinks.slice(0, 10).map((s) => s.name))}) and no signature; a classifier has exactly one output`);
    outputNode = sinks[0]!.name;
  }
  const dims = placeholderDims(input) ?? signatureDims;
  if (dims === undefined || dims.length < 2) throw invalidModel(`the model's input "${inputNode}" has no shape [batch, ...] (got ${dims === undefined ? 'unknown rank' : `[${dims.join(',')}]`}); export it with a fixed input shape`);
  return { inputNode, outputNode, inputShape: dims.slice(1) };
}
