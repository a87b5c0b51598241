/**
 * FP16 emulation rounds every layer output of every trigger (serving/emulated-model.ts), so at
 * 224x224 a serving check's FP16 pass was mostly rounding: the value-by-value path (float32 ->
 * half bits -> float32, with a power of two per value) against `roundArrayTo`'s bit operations,
 * side by side on the same values, both checked equal.
 *
 *   npx tsx bench/fp16-rounding.ts [--millions 10] [--rounds 3]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { roundArrayTo, roundToHalf } from '../src/engine/serving/number-formats.ts';

const { values } = parseArgs({ options: { millions: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } } });
const n = Number(values.millions) * 1e6;
// Activations' magnitudes: mostly O(1), some tiny (subnormal in fp16), a few large.
const source = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 5));

console.log(`${new Date().toISOString()}, ${os.cpus()[0]?.model}, Node ${process.version}, ${n / 1e6}M values`);
console.log('| round | value by value ms | roundArrayTo ms | ratio |\n|---|---|---|---|');
for (let r = 1; r <= Number(values.rounds); r++) {
  const before = Float32Array.from(source);
  let t0 = performance.now();
  for (let i = 0; i < before.length; i++) before[i] = roundToHalf(before[i]!);
  const beforeMs = performance.now() - t0;
  const now = Float32Array.from(source);
  t0 = performance.now();
  roundArrayTo('FP16', now);
  const nowMs = performance.now() - t0;
  for (let i = 0; i < n; i++) if (!Object.is(now[i], before[i]) && !(Number.isNaN(now[i]) && Number.isNaN(before[i]))) throw new Error(`value ${i} differs`);
  console.log(`| ${r} | ${beforeMs.toFixed(0)} | ${nowMs.toFixed(0)} | ${(beforeMs / nowMs).toFixed(1)} |`);
}
