/**
 * Validation of a decoded ONNX model as a classifier we can run, before any tensor is allocated:
 * opset, one float32 input with a fully known shape except the batch, one output, every op
 * supported (one error listing all that are not), nodes in topological order (IR.md, "Graphs":
 * nodes are sorted), every initializer's declared size matching its bytes, parameters within
 * the limit.
 */
import { DataType, dataTypeName, type OnnxModel, type OnnxValueInfo } from './onnx-proto.ts';
import { OPS } from './ops/index.ts';
import { checkTensor, TensorDataError } from './tensor-data.ts';

/** Default-domain opsets we implement (ONNX 1.13 .. 1.16 era; torch.onnx exports 13 .. 21). */
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

/** Most elements one example may have (a 2048 x 2048 RGB image is 12.6M). */
export const MAX_INPUT_ELEMENTS = 2 ** 24;

export class GraphError extends Error {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface GraphSummary {
  readonly opset: number;
  readonly input: OnnxValueInfo;
  readonly inputShape: readonly number[];
  readonly layout: 'NCHW' | 'FLAT';
  readonly outputName: string;
  readonly parameters: number;
  /**
   * 1 when the export fixed the batch at 1 (torch.onnx.export without dynamic_axes): onnxruntime
   * then refuses any other batch, and the graph may hard-code it, so it runs one example at a
   * time. Null: a dynamic batch.
   */
  readonly fixedBatch: 1 | null;
}

const isDefaultDomain = (d: string): boolean => d === '' || d === 'ai.onnx';

export function validateGraph(model: OnnxModel, maxParameters: number | undefined): GraphSummary {
  const g = model.graph;
  const opsetEntry = model.opsets.find((o) => isDefaultDomain(o.domain));
  if (opsetEntry === undefined) throw new GraphError('the model imports no default-domain (ai.onnx) opset');
  const opset = opsetEntry.version;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new GraphError(`ONNX opset ${opset} is not supported (supported: ${MIN_OPSET} to ${MAX_OPSET}); re-export with torch.onnx.export(..., opset_version=17)`, { opset });
  }

  const unsupported = new Set<string>();
  for (const n of g.nodes) {
    if (!isDefaultDomain(n.domain)) unsupported.add(`${n.domain}::${n.opType}`);
    else if (!OPS.has(n.opType)) unsupported.add(n.opType);
  }
  if (unsupported.size > 0) {
    const list = [...unsupported].sort();
    throw new GraphError(`the model uses ${list.length} unsupported op${list.length > 1 ? 's' : ''}: ${list.join(', ')}`, { unsupportedOps: list });
  }
  if (g.sparseInitializers > 0) throw new GraphError('sparse initializers are not supported');

  const initNames = new Set(g.initializers.map((t) => t.name));
  // IR < 4 lists initializers among the inputs as well: those are not inputs to feed.
  const inputs = g.inputs.filter((i) => !initNames.has(i.name));
  if (inputs.length !== 1) throw new GraphError(`a classifier has exactly one input; this graph has ${inputs.length} (${inputs.map((i) => i.name).join(', ')})`, { inputs: inputs.length });
  if (g.outputs.length !== 1) throw new GraphError(`a classifier has exactly one output; this graph has ${g.outputs.length} (${g.outputs.map((o) => o.name).join(', ')})`, { outputs: g.outputs.length });
  const input = inputs[0]!;
  if (input.elemType !== DataType.FLOAT) {
    throw new GraphError(`the input "${input.name}" is ${input.elemType === undefined ? 'not a tensor' : dataTypeName(input.elemType)}; only FLOAT (float32) inputs are supported`);
  }
  const dims = input.dims;
  if (dims === undefined || (dims.length !== 2 && dims.length !== 4)) {
    throw new GraphError(`the input "${input.name}" has ${dims === undefined ? 'an unknown rank' : `rank ${dims.length}`}; supported: [batch, features] or [batch, channels, height, width] (NCHW)`);
  }
  const inner = dims.slice(1);
  if (inner.some((d) => typeof d !== 'number' || d <= 0)) {
    throw new GraphError(`the input "${input.name}" has shape [${dims.map((d) => d ?? '?').join(', ')}]; every dimension but the batch must be a fixed positive size`);
  }

  const batch = dims[0];
  if (typeof batch === 'number' && batch !== 1) {
    throw new GraphError(
      `the input "${input.name}" has a fixed batch of ${batch}; export with a dynamic batch: torch.onnx.export(..., dynamic_axes={"${input.name}": {0: "batch"}, ...}) or dynamic_shapes`,
      { batch },
    );
  }
  const inputElements = (inner as number[]).reduce((a, b) => a * b, 1);
  if (inputElements > MAX_INPUT_ELEMENTS) throw new GraphError(`the input "${input.name}" has ${inputElements} elements per example, more than ${MAX_INPUT_ELEMENTS}`);

  // Topological order, and no value defined twice.
  const defined = new Set<string>([input.name, ...initNames]);
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i !== '' && !defined.has(i)) throw new GraphError(`node ${n.opType} "${n.name}" reads "${i}" before it is defined (nodes must be topologically sorted)`);
    for (const o of n.outputs) {
      if (o === '') continue;
      if (defined.has(o)) throw new GraphError(`value "${o}" is defined twice`);
      defined.add(o);
    }
  }
  const outputName = g.outputs[0]!.name;
  if (!defined.has(outputName)) throw new GraphError(`the graph output "${outputName}" is never computed`);

  // Declared sizes against bytes, external data, and the parameter limit: no allocation yet.
  let parameters = 0;
  try {
    for (const t of g.initializers) parameters += checkTensor(t);
    for (const n of g.nodes) for (const a of n.attributes.values()) if (a.t !== undefined) parameters += checkTensor(a.t);
  } catch (e) {
    if (e instanceof TensorDataError) throw new GraphError(e.message);
    throw e;
  }
  if (maxParameters !== undefined && parameters > maxParameters) {
    throw new GraphError(`the model has ${parameters} parameters, more than the limit of ${maxParameters}`, { parameters, maxParameters });
  }
  return { opset, input, inputShape: inner as number[], layout: dims.length === 4 ? 'NCHW' : 'FLAT', outputName, parameters, fixedBatch: batch === 1 ? 1 : null };
}
