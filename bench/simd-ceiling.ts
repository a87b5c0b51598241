/**
 * How fast 128-bit wasm SIMD can be on this host, against what the engine's convolutions and
 * PyTorch's reach: the ceiling behind issue 19's "forward + input gradient within 2x of PyTorch".
 *
 *   npx tsx bench/simd-ceiling.ts [--python /path/to/python-with-torch | none] [--threads 2]
 *
 * 1. Ceiling: a wasm function of 12 independent chains `acc = acc + x * y` on f32x4 (and
 *    `f32x4.relaxed_madd` where V8 has relaxed SIMD: behind a flag on Node 20, set here), timed
 *    on one thread, best of 5. No load or store: what the core's vector units give 128-bit
 *    lanes at most. Built at run time with wabt (a devDependency).
 * 2. The engine: `tf.conv2d` on the wasm backend (XNNPACK, default threads) at the CIFAR
 *    ResNet-18's four 3x3 shapes and two ResNet-50 shapes, batch as the engine runs them, best of 5.
 * 3. PyTorch CPU (bench/conv_pytorch.py, same shapes, same threads) and its 2048x2048 matmul.
 *
 * GFLOP/s = 2 * multiply-adds / time. Read: engine / ceiling is how much of 128-bit SIMD XNNPACK
 * uses; PyTorch / (ceiling x threads) above 1 is arithmetic wasm cannot reach on this CPU at all.
 */
import v8 from 'node:v8';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend/index.ts';
import { loadEngineOptions } from '../src/config/config.ts';
import { wasm } from '../src/common/webassembly.ts';
import { PYTORCH_ENV } from './pytorch-env.ts';

const { values } = parseArgs({ options: { python: { type: 'string', default: 'python3' }, threads: { type: 'string', default: '2' } } });
const root = fileURLToPath(new URL('..', import.meta.url));

/** batch x height(=width) x in-channels x out-channels x kernel; stride 1, 'same'. */
const SHAPES = [
  '100x32x64x64x3', // CIFAR ResNet-18, stage 1 (micro-batch of 100 as in its gradient passes)
  '100x16x128x128x3',
  '100x8x256x256x3',
  '100x4x512x512x3',
  '10x56x64x64x3', // ResNet-50 224, stage 1 bottleneck's 3x3 (forward micro-batch of 10)
  '10x56x64x256x1', // and its 1x1 expansion
];
const CHAINS = 12;

function ceilingWat(fma: boolean): string {
  const acc = Array.from({ length: CHAINS }, (_, i) => i);
  const step = (i: number) =>
    fma
      ? `(local.set $a${i} (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $a${i})))`
      : `(local.set $a${i} (f32x4.add (local.get $a${i}) (f32x4.mul (local.get $x) (local.get $y))))`;
  const sum = acc.map((i) => `(local.get $a${i})`).reduce((a, b) => `(f32x4.add ${a} ${b})`);
  return `(module (func (export "run") (param $n i32) (result f32)
    (local $x v128) (local $y v128) ${acc.map((i) => `(local $a${i} v128)`).join(' ')}
    (local.set $x (f32x4.splat (f32.const 1.0000001))) (local.set $y (f32x4.splat (f32.const 0.9999999)))
    ${acc.map((i) => `(local.set $a${i} (f32x4.splat (f32.const ${i}.5)))`).join('\n    ')}
    (loop $l ${acc.map(step).join(' ')}
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    (f32x4.extract_lane 0 ${sum})))`;
}

/** GFLOP/s of the ceiling loop on this thread, or the reason it could not run. */
async function ceilingGflops(fma: boolean): Promise<number | string> {
  const wabt = await (await import('wabt')).default();
  try {
    const module = wabt.parseWat('ceiling.wat', ceilingWat(fma), { simd: true, relaxed_simd: true } as Parameters<typeof wabt.parseWat>[2]);
    const instance = new wasm.Instance(new wasm.Module(module.toBinary({}).buffer), {});
    const run = instance.exports.run as (n: number) => number;
    run(1e6);
    const iterations = 2e7;
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      run(iterations);
      best = Math.min(best, performance.now() - t);
    }
    return (iterations * CHAINS * 4 * 2) / best / 1e6;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

/** [batch, height (= width), in-channels, out-channels, kernel] of a SHAPES entry. */
const dimensions = (shape: string) => shape.split('x').map(Number) as [number, number, number, number, number];

function flops(shape: string): number {
  const [n, h, c, o, k] = dimensions(shape);
  return 2 * n * h * h * c * o * k * k;
}

function engineConvMs(shape: string): number {
  const [n, h, c, o, k] = dimensions(shape);
  const x = tf.randomUniform([n, h, h, c]);
  const w = tf.randomUniform([k, k, c, o]);
  const once = () => {
    // Not inside tf.tidy: a tidy walks what its callback returns, element by element for a typed array.
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    y.dataSync();
    y.dispose();
  };
  once();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    once();
    best = Math.min(best, performance.now() - t);
  }
  tf.dispose([x, w]);
  return best;
}

function pytorch(threads: number): { convMs: Record<string, number>; matMul2048Ms: number; torch: string } | undefined {
  if (values.python === 'none') return undefined;
  const r = spawnSync(values.python!, [path.join(root, 'bench', 'conv_pytorch.py'), '--shapes', SHAPES.join(','), '--threads', String(threads)], { encoding: 'utf8', env: PYTORCH_ENV });
  if (r.status !== 0) {
    console.error(`PyTorch failed: ${r.stderr.slice(-500)}`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); // before any module is compiled
  const threads = Number(values.threads);
  const backend = await initBackend({ ...loadEngineOptions(), backend: 'wasm', wasmThreads: threads, log: () => {} });
  console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, nproc ${os.availableParallelism()}, Node ${process.version}, ${backend.choice} ${threads} thread(s), load ${os.loadavg()[0]!.toFixed(1)}`);
  const engine = SHAPES.map((s) => engineConvMs(s));
  const mulAdd = await ceilingGflops(false);
  const fma = await ceilingGflops(true);
  const g = (v: number | string) => (typeof v === 'number' ? v.toFixed(1) : `n/a (${v})`);
  console.log(`\nwasm 128-bit SIMD ceiling, one thread: mul+add ${g(mulAdd)} GFLOP/s; relaxed_madd ${g(fma)} GFLOP/s`);
  const ceiling = typeof mulAdd === 'number' ? mulAdd * threads : NaN;
  const torch = pytorch(threads);
  console.log(`\n| convolution (n x h x cin x cout x k) | engine ms | engine GFLOP/s | of the wasm ceiling (${threads} threads) | PyTorch ms | PyTorch GFLOP/s | engine / PyTorch | PyTorch / wasm ceiling |`);
  console.log('|---|---|---|---|---|---|---|---|');
  SHAPES.forEach((s, i) => {
    const e = flops(s) / engine[i]! / 1e6;
    const t = torch?.convMs[s];
    const p = t === undefined ? undefined : flops(s) / t / 1e6;
    const cols = [s, engine[i]!.toFixed(1), e.toFixed(1), `${((e / ceiling) * 100).toFixed(0)}%`, t?.toFixed(1) ?? '-', p?.toFixed(1) ?? '-', t === undefined ? '-' : (engine[i]! / t).toFixed(2), p === undefined ? '-' : (p / ceiling).toFixed(2)];
    console.log(`| ${cols.join(' | ')} |`);
  });
  if (torch) console.log(`\nPyTorch ${torch.torch}, ${threads} threads: 2048x2048 matmul ${((2 * 2048 ** 3) / torch.matMul2048Ms / 1e6).toFixed(1)} GFLOP/s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
