/**
 * Channels-last execution (channels-last.ts) computes what the NCHW program computes, outputs and
 * input gradients, with far fewer transposes, on the fixtures with convolution chains: a ResNet
 * (Conv, Relu, Add, pooling) and a MobileNet (depthwise Conv, Clip, HardSwish, squeeze-excite's
 * broadcast Mul, which falls back to NCHW).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../backend/index.ts';
import { OnnxInterpreter } from './interpreter.ts';
import { parseOnnx } from './onnx-reader.ts';
import { assertCloseToMax, outputsAndInputGradient } from '../../testing/compare-passes.ts';

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

for (const name of ['resnet-opset17', 'mobilenet-opset13', 'mobilenet-opset21', 'cnn-opset18']) {
  test(`${name}: channels-last gives the NCHW program's outputs and input gradients with fewer transposes`, async () => {
    const { model, summary } = parseOnnx(`${name}.onnx`, new Uint8Array(readFileSync(path.join(import.meta.dirname, '../../../../../test/fixtures/onnx', `${name}.onnx`))));
    const build = (channelsLast: boolean) => new OnnxInterpreter(model.graph, summary.opset, summary.input.name, summary.outputName, { channelsLast, foldBatchNorm: true });
    const sut = build(true);
    const nchw = build(false);
    try {
      const pass = (i: OnnxInterpreter) => outputsAndInputGradient((v) => i.run(v), () => tf.randomUniform([3, ...summary.inputShape], 0, 1, 'float32', 11), 1);
      const transposes = async (i: OnnxInterpreter) => (await tf.profile(() => void pass(i))).kernels.filter((k) => k.name === 'Transpose').length;
      const [a, b] = [pass(sut), pass(nchw)];
      assertCloseToMax(a.y, b.y, 1e-5, 'outputs');
      assertCloseToMax(a.g, b.g, 1e-5, 'input gradients');
      const [t1, t0] = [await transposes(sut), await transposes(nchw)];
      assert.ok(t1 * 2 <= t0, `transposes ${t1} channels-last against ${t0}`);
    } finally {
      sut.dispose();
      nchw.dispose();
    }
  });
}
