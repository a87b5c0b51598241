import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { initBackend } from '../../../backend/index.ts';
import { isEngineError } from '../../../errors.ts';
import { readModelFiles } from '../index.ts';
import { graphReader as sut } from './graph-reader.ts';
import { MAX_GRAPH_NODES } from './model-json.ts';

const FIXTURE = path.join(import.meta.dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'tfjs-graph', 'binary-mlp');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The binary-mlp fixture with model.json (and optionally the files) changed. */
async function variant(edit: (json: Json) => void, files: (f: Map<string, Uint8Array>) => void = () => {}): Promise<Map<string, Uint8Array>> {
  const f = await readModelFiles(FIXTURE);
  const json = JSON.parse(new TextDecoder().decode(f.get('model.json'))) as Json;
  edit(json);
  f.set('model.json', new TextEncoder().encode(JSON.stringify(json)));
  files(f);
  return f;
}

async function refused(files: Map<string, Uint8Array>, pattern: RegExp, limits = {}): Promise<void> {
  await assert.rejects(sut.load(files, limits), (e: unknown) => {
    assert.ok(isEngineError(e, 'INVALID_MODEL'), `expected INVALID_MODEL, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });
}

const extraNode = (json: Json, node: Json) => json['modelTopology'].node.push(node);

test('the Graph reader refuses what it cannot run, naming what it found', async (t) => {
  await initBackend({ backend: 'wasm', log: () => {} });

  await t.test('the unchanged fixture loads (the variants below differ only as stated)', async () => {
    (await sut.load(await variant(() => {}), {})).dispose();
  });

  await t.test('control flow, with every control-flow op named', async () => {
    const files = await variant((j) => {
      extraNode(j, { name: 'while/Enter', op: 'Enter', input: ['features'] });
      extraNode(j, { name: 'while/Merge', op: 'Merge', input: ['while/Enter'] });
      extraNode(j, { name: 'while/Switch', op: 'Switch', input: ['while/Merge'] });
      extraNode(j, { name: 'list', op: 'TensorListReserve', input: [] });
      extraNode(j, { name: 'cond', op: 'StatelessIf', input: [] });
    });
    await refused(files, /control flow \(Enter, Merge, StatelessIf, Switch, TensorListReserve\)/);
  });

  await t.test('ops the graph executor does not support, all in one message', async () => {
    const files = await variant((j) => {
      extraNode(j, { name: 'a', op: 'MyCustomOp', input: ['features'] });
      extraNode(j, { name: 'b', op: 'Bucketize', input: ['features'] });
    });
    await refused(files, /ops TF\.js's graph executor does not support: Bucketize, MyCustomOp/);
  });

  await t.test('ops that draw random numbers (a model that answers differently each time)', async () => {
    const files = await variant((j) => {
      extraNode(j, { name: 'noise', op: 'RandomStandardNormal', input: [] });
      extraNode(j, { name: 'drop', op: 'RandomUniform', input: [] });
    });
    await refused(files, /draws random numbers \(RandomStandardNormal, RandomUniform\)/);
  });

  await t.test('ops that need asynchronous execution', async () => {
    await refused(await variant((j) => extraNode(j, { name: 'w', op: 'Where', input: ['features'] })), /asynchronous execution or state \(Where\)/);
  });

  await t.test('the op names our emulation reserves', async () => {
    await refused(await variant((j) => extraNode(j, { name: 'r', op: 'FragmarkFP16NearestRound', input: ['features'] })), /reserved for Fragmark's emulation: FragmarkFP16NearestRound/);
  });

  await t.test('a function library (control-flow bodies)', async () => {
    await refused(await variant((j) => (j['modelTopology'].library = { function: [{ signature: { name: 'body' } }] })), /function library \(1 functions/);
  });

  await t.test('a signature with several outputs or inputs', async () => {
    await refused(await variant((j) => (j['signature'].outputs.logits = { name: 'StatefulPartitionedCall/sequential/dense_1/BiasAdd:0' })), /signature has 2 outputs \(output_0, logits\).*multi-output models are not supported/);
    await refused(await variant((j) => (j['signature'].inputs.extra = { name: 'extra:0' })), /signature has 2 inputs \(features, extra\)/);
  });

  await t.test('a shard that does not hold what the manifest declares', async () => {
    const truncated = await variant(() => {}, (f) => f.set('group1-shard1of1.bin', f.get('group1-shard1of1.bin')!.subarray(0, 480)));
    await refused(truncated, /weight shards group1-shard1of1\.bin hold 480 bytes but the manifest's weights need 484/);
    const missing = await variant(() => {}, (f) => f.delete('group1-shard1of1.bin'));
    await refused(missing, /missing weight shard "group1-shard1of1\.bin"/);
    const bigger = await variant((j) => (j['weightsManifest'][0].weights[0].shape = [800, 12]), () => {});
    await refused(bigger, /shape \[800,12\] in the manifest but \[8,12\] in its Const node/);
  });

  await t.test('more parameters than the limit, before anything is read', async () => {
    const huge = await variant((j) => {
      j['weightsManifest'][0].weights[0].shape = [100000, 100000];
    });
    await refused(huge, /more than 1000000 parameters .* "StatefulPartitionedCall\/sequential\/dense\/MatMul\/ReadVariableOp" alone has 10000000000/, { maxParameters: 1_000_000 });
    await refused(await variant(() => {}), /more than 100 parameters/, { maxParameters: 100 });
  });

  await t.test('more nodes than the limit', async () => {
    const files = await variant((j) => {
      for (let i = 0; i < MAX_GRAPH_NODES; i++) extraNode(j, { name: `n${i}`, op: 'NoOp' });
    });
    await refused(files, new RegExp(`the graph has ${MAX_GRAPH_NODES + 9} nodes; at most ${MAX_GRAPH_NODES}`));
  });

  await t.test('weights and Const nodes that do not match', async () => {
    await refused(await variant((j) => extraNode(j, { name: 'orphan', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } })), /Const node "orphan" has no weight in the manifest/);
    await refused(await variant((j) => (j['weightsManifest'][0].weights[0].name = 'elsewhere')), /weight "elsewhere" in the manifest is not a Const node/);
  });

  await t.test('NaN weights, non-float inputs, dangling inputs, other formats', async () => {
    const nan = await variant(() => {}, (f) => {
      const b = Uint8Array.from(f.get('group1-shard1of1.bin')!);
      new DataView(b.buffer).setFloat32(8, Number.NaN, true);
      f.set('group1-shard1of1.bin', b);
    });
    await refused(nan, /weight "StatefulPartitionedCall\/sequential\/dense\/MatMul\/ReadVariableOp" holds a NaN/);
    await refused(await variant((j) => (j['modelTopology'].node[0].attr.dtype.type = 'DT_INT32')), /input "features" is DT_INT32; a classifier takes float32 inputs/);
    await refused(await variant((j) => extraNode(j, { name: 'x', op: 'Relu', input: ['nowhere'] })), /node "x" reads "nowhere", which is not a node of the graph/);
    const layers = await variant((j) => (j['format'] = 'layers-model'));
    assert.equal(sut.detect(layers), false);
    await refused(layers, /not a TF\.js Graph model \(format "layers-model"\)/);
  });
});
