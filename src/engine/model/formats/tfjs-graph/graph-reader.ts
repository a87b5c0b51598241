/**
 * The TF.js Graph model format (tensorflowjs_converter's output for a TF SavedModel): detection
 * and loading, every size checked before anything is allocated.
 */
import type { ModelFormatReader } from '../format-reader.ts';
import { graphClassifier, readOutput } from './graph-classifier.ts';
import { checkOps, graphIo } from './graph-checks.ts';
import { buildGraphModel, type GraphSource } from './graph-model.ts';
import { declaredFormat, parseGraphModelJson } from './model-json.ts';
import { readGraphWeights } from './weights.ts';
import { checkClassifierShapes } from '../../classifier.ts';

export const graphReader: ModelFormatReader = {
  format: 'TFJS_GRAPH',
  /** model.json declaring `"format": "graph-model"` (the Layers reader owns "layers-model"). */
  detect(files) {
    return declaredFormat(files) === 'graph-model';
  },
  async load(files, limits) {
    const json = parseGraphModelJson(files); // size, node count, structure
    checkOps(json); // control flow, unsupported ops
    const io = graphIo(json); // one input, one output
    const inputShape = io.inputShape as number[];
    checkClassifierShapes(inputShape, 1);
    const weights = readGraphWeights(json, files, limits); // parameters, shard bytes, Const nodes
    const source: GraphSource = { nodes: json.modelTopology.node, json, specs: weights.specs, data: weights.data, io };
    const model = await buildGraphModel(source);
    try {
      return graphClassifier(model, source, inputShape, readOutput(model, source, inputShape));
    } catch (e) {
      model.dispose();
      throw e;
    }
  },
};
