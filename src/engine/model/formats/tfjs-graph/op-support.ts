/**
 * Which ops TF.js's graph executor runs, asked of the executor itself.
 *
 * tfjs-converter maps each GraphDef op to an executor category through its op lists
 * (tfjs-converter/src/operations/op_list/*.ts); an op it does not know gets no category and fails
 * only when executed ("Tensorflow Op is not supported"), one op at a time. The op lists are not
 * exported, so we build a throwaway GraphModel of one weightless node per op type (nothing is
 * executed or allocated) and read the category each node was given. This follows the installed
 * TF.js version instead of a copied list.
 */
import * as tf from '@tensorflow/tfjs';

/** Categories the executor runs synchronously and without state: the ones a classifier may use. */
const RUNNABLE = new Set(['arithmetic', 'basic_math', 'convolution', 'creation', 'evaluation', 'graph', 'image', 'logical', 'matrices', 'normalization', 'reduction', 'slice_join', 'spectral', 'transformation', 'sparse', 'string', 'ragged']);

export interface OpSupport {
  /** Ops the executor does not know at all. */
  readonly unsupported: string[];
  /** Control flow (while loops, conditionals, tensor lists and arrays): category 'control'. */
  readonly controlFlow: string[];
  /** Ops that need executeAsync or hold state (dynamic shapes, hash tables). */
  readonly asyncOrStateful: string[];
}

interface ExecutorGraph {
  executor?: { graph?: { nodes?: Record<string, { category?: string }> } };
}

/** The executor's category of each op type (undefined: not supported). */
export function executorCategories(ops: readonly string[]): Map<string, string | undefined> {
  const unique = [...new Set(ops)];
  const artifacts: tf.io.ModelArtifacts = {
    format: 'graph-model',
    modelTopology: { node: unique.map((op, i) => ({ name: `probe_${i}`, op, attr: {} })), versions: { producer: 1 } },
    weightSpecs: [],
    weightData: new ArrayBuffer(0),
  };
  const model = tf.loadGraphModelSync(artifacts);
  try {
    const nodes = (model as unknown as ExecutorGraph).executor?.graph?.nodes;
    if (nodes === undefined) throw new Error('TF.js GraphModel internals changed: executor.graph.nodes is missing');
    return new Map(unique.map((op, i) => [op, nodes[`probe_${i}`]?.category]));
  } finally {
    model.dispose();
  }
}

/** Sorts a graph's op types by what the executor can do with them. */
export function opSupport(ops: readonly string[]): OpSupport {
  const support: OpSupport = { unsupported: [], controlFlow: [], asyncOrStateful: [] };
  for (const [op, category] of executorCategories(ops)) {
    if (category === undefined) support.unsupported.push(op);
    else if (category === 'control') support.controlFlow.push(op);
    else if (!RUNNABLE.has(category)) support.asyncOrStateful.push(op);
  }
  for (const list of Object.values(support)) (list as string[]).sort();
  return support;
}
