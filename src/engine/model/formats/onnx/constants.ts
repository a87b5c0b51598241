/**
 * `Constant` nodes as initializers. An exporter may store a weight as a Constant node instead of
 * an initializer (torch.onnx.export does for some folded values; a hand-edited file can move any
 * weight there). The weights digest, `withWeights` and the serving emulation work on
 * initializers, so every Constant value becomes an initializer named by the node's output: two
 * files that differ in any constant then differ in their digest (spec: https://onnx.ai/onnx/operators/onnx__Constant.html).
 */
import { DataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto.ts';

const isDefaultDomain = (d: string): boolean => d === '' || d === 'ai.onnx';

/** The tensor a Constant node holds, in any of its attribute forms except strings (undefined: keep the node). */
function constantTensor(node: OnnxNode): OnnxTensor | undefined {
  const name = node.outputs[0];
  if (node.opType !== 'Constant' || !isDefaultDomain(node.domain) || node.outputs.length !== 1 || name === undefined) return undefined;
  const a = node.attributes;
  const tensor = a.get('value')?.t;
  if (tensor !== undefined) return { ...tensor, name };
  const scalar = (dataType: number, value: number): OnnxTensor => ({ name, dims: [], dataType, values: [value], external: false });
  const list = (dataType: number, values: readonly number[]): OnnxTensor => ({ name, dims: [values.length], dataType, values, external: false });
  const f = a.get('value_float');
  if (f?.f !== undefined) return scalar(DataType.FLOAT, f.f);
  const i = a.get('value_int');
  if (i?.i !== undefined) return scalar(DataType.INT64, i.i);
  const fs = a.get('value_floats');
  if (fs !== undefined) return list(DataType.FLOAT, fs.floats);
  const is = a.get('value_ints');
  if (is !== undefined) return list(DataType.INT64, is.ints);
  return undefined;
}

/** The model with every Constant node that holds numbers turned into an initializer. */
export function constantsAsInitializers(model: OnnxModel): OnnxModel {
  const hoisted: OnnxTensor[] = [];
  const nodes = model.graph.nodes.filter((node) => {
    const tensor = constantTensor(node);
    if (tensor !== undefined) hoisted.push(tensor);
    return tensor === undefined;
  });
  if (hoisted.length === 0) return model;
  return { ...model, graph: { ...model.graph, nodes, initializers: [...model.graph.initializers, ...hoisted] } };
}
