/**
 * The ONNX format (https://onnx.ai/onnx/repo-docs/IR.html): one `.onnx` file holding a ModelProto,
 * as `torch.onnx.export` writes it. ONNX has no magic bytes, so detection goes by the file name.
 */
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';
import type { ModelFormatReader, ModelLimits } from '../format-reader.ts';
import { constantsAsInitializers } from './constants.ts';
import { GraphError, validateGraph } from './graph.ts';
import { onnxClassifier } from './onnx-classifier.ts';
import { decodeModel, type OnnxModel } from './onnx-proto.ts';
import { ProtobufError } from './protobuf.ts';

/** ONNX has no magic bytes: an ONNX model is a file named `.onnx`. */
export const isOnnxName = (name: string): boolean => name.toLowerCase().endsWith('.onnx');

/** Decodes and validates without allocating tensors (sizes, opset, ops, parameters). */
export function parseOnnx(fileName: string, bytes: Uint8Array, limits: ModelLimits = {}): { model: OnnxModel; summary: ReturnType<typeof validateGraph> } {
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof ProtobufError) throw invalidModel(`${fileName} is not a valid ONNX model (ModelProto): ${e.message}`, { file: fileName }, e);
    throw e;
  }
  try {
    const summary = validateGraph(model, limits.maxParameters);
    return { model: constantsAsInitializers(model), summary };
  } catch (e) {
    if (e instanceof GraphError) throw invalidModel(`${fileName}: ${e.message}`, { file: fileName, ...e.details }, e);
    throw e;
  }
}

export const onnxReader: ModelFormatReader = {
  format: 'ONNX',
  detect(files: ArtifactFiles): boolean {
    return [...files.keys()].some(isOnnxName);
  },
  async load(files: ArtifactFiles, limits: ModelLimits) {
    const names = [...files.keys()].filter(isOnnxName);
    if (names.length !== 1) throw invalidModel(`upload one .onnx file (got ${names.length}: ${names.join(', ')})`, { files: names });
    const name = names[0]!;
    // Parsed first: a model whose tensors live in a side file is refused for that, by name.
    const parsed = parseOnnx(name, files.get(name)!, limits);
    const others = [...files.keys()].filter((n) => n !== name);
    if (others.length > 0) throw invalidModel(`an ONNX upload is one self-contained .onnx file; also got ${others.join(', ')}`, { files: others });
    return onnxClassifier(parsed);
  },
};
