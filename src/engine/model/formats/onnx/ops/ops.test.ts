/**
 * Every op of the registry against ONNX's reference implementation (onnx.reference, through
 * scripts/fixtures/make-onnx-op-fixtures.py) or PyTorch (the model fixtures): outputs within 1e-4
 * relative, input gradients against central finite differences.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../backend/index.ts';
import { OnnxInterpreter } from '../interpreter.ts';
import { decodeModel } from '../onnx-proto.ts';
import { OPS as sut } from './index.ts';

const DIR = path.join(import.meta.dirname, '../../../../../../test/fixtures/onnx');

interface OpCase {
  name: string;
  opset: number;
  model: string;
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}
const CASES = JSON.parse(readFileSync(path.join(DIR, 'ops.json'), 'utf8')) as OpCase[];

before(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

test('every registered op is exercised by an op case or a PyTorch fixture', () => {
  const used = new Set<string>();
  for (const c of CASES) for (const n of decodeModel(Buffer.from(c.model, 'base64')).graph.nodes) used.add(n.opType);
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.onnx'))) for (const n of decodeModel(readFileSync(path.join(DIR, f))).graph.nodes) used.add(n.opType);
  const untested = [...sut.keys()].filter((op) => !used.has(op));
  assert.deepEqual(untested, []);
});

for (const c of CASES) {
  test(`${c.name}: matches onnx.reference, gradient matches finite differences`, () => {
    const m = decodeModel(Buffer.from(c.model, 'base64'));
    const it = new OnnxInterpreter(m.graph, c.opset, 'x', 'y');
    try {
      const x = tf.tensor(c.input, c.inputShape);
      const y = it.run(x);
      assert.deepEqual(y.shape, c.outputShape);
      const got = y.dataSync();
      let rel = 0;
      c.output.forEach((v, i) => (rel = Math.max(rel, Math.abs(got[i]! - v) / Math.max(Math.abs(v), 1e-3))));
      assert.ok(rel < 1e-4, `max relative difference ${rel.toExponential(2)}`);

      // d sum(y * r) / dx on the 3 coordinates with the largest gradient, against central differences.
      const r = tf.randomNormal(c.outputShape, 0, 1, 'float32', 11);
      const f = (xi: tf.Tensor): tf.Scalar => tf.sum(tf.mul(it.run(xi), r));
      const g = tf.grad(f)(x).dataSync();
      const h = 1e-3;
      const top = [...g.keys()].sort((i, j) => Math.abs(g[j]!) - Math.abs(g[i]!)).slice(0, 3);
      for (const i of top) {
        const at = (d: number): number => tf.tidy(() => f(tf.tensor(c.input.map((v, k) => (k === i ? v + d : v)), c.inputShape)).dataSync()[0]!);
        const fd = (at(h) - at(-h)) / (2 * h);
        assert.ok(Math.abs(fd - g[i]!) <= 2e-2 * Math.abs(g[i]!) + 2e-3, `coordinate ${i}: finite differences ${fd} vs gradient ${g[i]}`);
      }
      tf.dispose([x, y, r]);
    } finally {
      it.dispose();
    }
  });
}
