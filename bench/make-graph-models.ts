/**
 * TF.js Graph models of the format benchmark's two models, without TensorFlow (not installable
 * here, so tensorflowjs_converter cannot run): the Keras models that bench/make-format-models.py
 * wrote are read through the engine's Keras reader and written as the GraphDef JSON that
 * `tensorflowjs_converter --input_format=tf_saved_model` produces for them after grappler: batch
 * norm folded into the convolutions (kernel * gamma / sqrt(var + eps), bias beta - mean * that),
 * _FusedConv2D with BiasAdd (+ Relu), Pad for ZeroPadding2D, AddV2, Mean for global average
 * pooling, _FusedMatMul, Softmax, a constant-folded Reshape for Flatten. Same layout as
 * scripts/fixtures/make-tfjs-graph-fixtures.ts (the test fixtures). The script checks that each
 * graph gives the Keras model's outputs.
 *
 *   npx tsx bench/make-graph-models.ts --models /tmp/format-models
 *
 * Writes <models>/<name>-tfjs-graph/ (model.json + one weight shard). Not committed.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend/index.ts';
import { loadClassifierFromPath } from '../src/engine/model/formats/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { attr, GraphDefBuilder } from '../scripts/fixtures/graphdef-json.ts';

const { values } = parseArgs({ options: { models: { type: 'string' } } });
if (values.models === undefined) throw new Error('--models <dir> is required');
const modelsDir = path.resolve(values.models);

const T = { T: attr.type('DT_FLOAT') };
const NHWC = attr.s('NHWC');

class Graph extends GraphDefBuilder {
  conv(name: string, x: string, kernel: tf.Tensor, bias: tf.Tensor, stride: number, padding: 'SAME' | 'VALID', relu: boolean): string {
    const k = this.const(`${name}/Conv2D/ReadVariableOp`, kernel.shape, kernel.dataSync() as Float32Array);
    const b = this.const(`${name}/BiasAdd/ReadVariableOp`, bias.shape, bias.dataSync() as Float32Array);
    return this.node(`${name}/${relu ? 'Relu' : 'BiasAdd'}`, '_FusedConv2D', [x, k, b], {
      ...T,
      strides: attr.ints([1, stride, stride, 1]),
      padding: attr.s(padding),
      data_format: NHWC,
      dilations: attr.ints([1, 1, 1, 1]),
      explicit_paddings: { list: {} },
      fused_ops: attr.strs(relu ? ['BiasAdd', 'Relu'] : ['BiasAdd']),
      num_args: attr.i(1),
      epsilon: attr.f(0),
    });
  }
  matmul(name: string, x: string, kernel: tf.Tensor, bias: tf.Tensor, relu: boolean): string {
    const k = this.const(`${name}/MatMul/ReadVariableOp`, kernel.shape, kernel.dataSync() as Float32Array);
    const b = this.const(`${name}/BiasAdd/ReadVariableOp`, bias.shape, bias.dataSync() as Float32Array);
    return this.node(`${name}/${relu ? 'Relu' : 'BiasAdd'}`, '_FusedMatMul', [x, k, b], {
      ...T,
      transpose_a: attr.b(false),
      transpose_b: attr.b(false),
      fused_ops: attr.strs(relu ? ['BiasAdd', 'Relu'] : ['BiasAdd']),
      num_args: attr.i(1),
      epsilon: attr.f(0),
    });
  }
}

/** Every variable of the Keras model (trainable and batch-norm statistics) by name. */
function variables(model: tf.LayersModel): Map<string, tf.Tensor> {
  return new Map(model.weights.map((w) => [w.originalName ?? w.name, w.read()]));
}

/** Folds a BatchNormalization (Keras layer `bn`) into the preceding bias-free convolution's kernel, as grappler does. */
function foldBn(v: Map<string, tf.Tensor>, kernel: tf.Tensor, bn: string, eps: number): { kernel: tf.Tensor; bias: tf.Tensor } {
  const get = (n: string) => {
    const t = v.get(`${bn}/${n}`);
    if (t === undefined) throw new Error(`no ${bn}/${n} in the Keras model`);
    return t;
  };
  return tf.tidy(() => {
    const scale = tf.div(get('gamma'), tf.sqrt(tf.add(get('moving_variance'), eps)));
    return { kernel: tf.keep(tf.mul(kernel, scale)), bias: tf.keep(tf.sub(get('beta'), tf.mul(get('moving_mean'), scale))) };
  });
}

function resnet18(model: tf.LayersModel): Graph {
  const v = variables(model);
  const g = new Graph();
  const P = 'StatefulPartitionedCall/resnet18';
  const eps = 1e-5;
  const input = g.node('input', 'Placeholder', [], { dtype: attr.type('DT_FLOAT'), shape: attr.shape([-1, 32, 32, 3]) });
  const layerNames = new Set(model.layers.map((l) => l.name));
  const convBn = (x: string, conv: string, bn: string, relu: boolean): string => {
    const kernel = v.get(`${conv}/kernel`)!;
    const stride = (model.getLayer(conv).getConfig()['strides'] as number[])[0]!;
    let xin = x;
    let padding: 'SAME' | 'VALID' = kernel.shape[0] === 3 ? 'SAME' : 'VALID';
    if (layerNames.has(`${conv}_pad`)) {
      const pads = g.const(`${P}/${conv}_pad/Pad/paddings`, [4, 2], Int32Array.of(0, 0, 1, 1, 1, 1, 0, 0));
      xin = g.node(`${P}/${conv}_pad/Pad`, 'Pad', [x, pads], { ...T, Tpaddings: attr.type('DT_INT32') });
      padding = 'VALID';
    }
    const f = foldBn(v, kernel, bn, eps);
    return g.conv(`${P}/${conv}`, xin, f.kernel, f.bias, stride, padding, relu);
  };
  let x = convBn(input, 'stem_conv', 'stem_bn', true);
  for (let i = 0; layerNames.has(`block${i}_conv1`); i++) {
    const p = `block${i}`;
    const y = convBn(convBn(x, `${p}_conv1`, `${p}_bn1`, true), `${p}_conv2`, `${p}_bn2`, false);
    const s = layerNames.has(`${p}_short_conv`) ? convBn(x, `${p}_short_conv`, `${p}_short_bn`, false) : x;
    const add = g.node(`${P}/${p}_add/add`, 'AddV2', [y, s], T);
    x = g.node(`${P}/${p}_relu2/Relu`, 'Relu', [add], T);
  }
  const axes = g.const(`${P}/gap/Mean/reduction_indices`, [2], Int32Array.of(1, 2));
  const mean = g.node(`${P}/gap/Mean`, 'Mean', [x, axes], { T: attr.type('DT_FLOAT'), Tidx: attr.type('DT_INT32'), keep_dims: attr.b(false) });
  const logits = g.matmul(`${P}/logits`, mean, v.get('logits/kernel')!, v.get('logits/bias')!, false);
  g.node('Identity', 'Identity', [logits], T);
  return g;
}

function mnistCnn(model: tf.LayersModel): Graph {
  const v = variables(model);
  const g = new Graph();
  const P = 'StatefulPartitionedCall/mnist_cnn';
  const input = g.node('conv1_input', 'Placeholder', [], { dtype: attr.type('DT_FLOAT'), shape: attr.shape([-1, 28, 28, 1]) });
  const pool = (name: string, x: string) =>
    g.node(`${P}/${name}/MaxPool`, 'MaxPool', [x], { ...T, ksize: attr.ints([1, 2, 2, 1]), strides: attr.ints([1, 2, 2, 1]), padding: attr.s('VALID'), data_format: NHWC });
  let x = g.conv(`${P}/conv1`, input, v.get('conv1/kernel')!, v.get('conv1/bias')!, 1, 'VALID', true);
  x = pool('pool1', x);
  x = g.conv(`${P}/conv2`, x, v.get('conv2/kernel')!, v.get('conv2/bias')!, 1, 'VALID', true);
  x = pool('pool2', x);
  const shape = g.const(`${P}/flatten/Const`, [2], Int32Array.of(-1, 400));
  x = g.node(`${P}/flatten/Reshape`, 'Reshape', [x, shape], { T: attr.type('DT_FLOAT'), Tshape: attr.type('DT_INT32') });
  x = g.matmul(`${P}/fc1`, x, v.get('fc1/kernel')!, v.get('fc1/bias')!, true);
  x = g.matmul(`${P}/fc2`, x, v.get('fc2/kernel')!, v.get('fc2/bias')!, false);
  const sm = g.node(`${P}/fc2/Softmax`, 'Softmax', [x], T);
  g.node('Identity', 'Identity', [sm], T);
  return g;
}

async function write(name: string, g: Graph, inputName: string, inputShape: number[]): Promise<string> {
  const dir = path.join(modelsDir, `${name}-tfjs-graph`);
  await mkdir(dir, { recursive: true });
  const bytes = new Uint8Array(g.weights.reduce((n, w) => n + w.data.byteLength, 0));
  let off = 0;
  for (const w of g.weights) {
    bytes.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), off); // little-endian hosts (x86, ARM)
    off += w.data.byteLength;
  }
  await writeFile(path.join(dir, 'group1-shard1of1.bin'), bytes);
  const tensorShape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'Fragmark bench/make-graph-models.ts (tensorflowjs_converter layout)',
    signature: {
      inputs: { [inputName]: { name: `${inputName}:0`, dtype: 'DT_FLOAT', tensorShape: tensorShape([-1, ...inputShape]) } },
      outputs: { output_0: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: tensorShape([-1, 10]) } },
    },
    modelTopology: { node: g.nodes, library: {}, versions: { producer: 1645 } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: g.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })) }],
  };
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  return dir;
}

await initBackend({ ...loadEngineOptions(), backend: 'wasm' });
for (const [name, build, inputName, shape] of [
  ['mnist-cnn', mnistCnn, 'conv1_input', [28, 28, 1]],
  ['resnet18', resnet18, 'input', [32, 32, 3]],
] as const) {
  const keras = await loadClassifierFromPath(path.join(modelsDir, `${name}.keras`));
  const dir = await write(name, build(keras.model!), inputName, [...shape]);
  const graph = await loadClassifierFromPath(dir);
  const x = tf.randomUniform([8, ...shape], 0, 1, 'float32', 18);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(keras.predict(x), graph.predict(x)))).dataSync()[0]!);
  const scale = tf.tidy(() => tf.max(tf.abs(keras.predict(x))).dataSync()[0]!);
  console.log(`${name}: wrote ${dir}; graph vs Keras max |diff| ${diff.toExponential(2)} (outputs up to ${scale.toFixed(3)})`);
  if (!(diff <= 1e-4 * Math.max(1, scale))) throw new Error(`${name}: the graph does not compute the Keras model's function`);
  tf.dispose(x);
  keras.dispose();
  graph.dispose();
}
