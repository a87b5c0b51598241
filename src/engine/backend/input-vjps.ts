/**
 * Several vector-Jacobian products of ONE forward pass: dy_r^T (d f(x) / d x) for r = 1..R.
 *
 * `tf.grad` records a tape, walks it backward once and frees it, so R rows of a Jacobian cost R
 * forward passes as well as R backward ones. JUNCTION needs k + 1 rows per trigger (the key label
 * and k competitors, issue 19 item 3): here the forward pass runs once, its tape is walked
 * backward once per cotangent, and freed at the end. On a convolutional classifier a forward pass
 * costs about as much as the input-gradient backward pass, so k + 1 = 10 rows cost 11 passes
 * instead of 20.
 *
 * This uses tfjs-core's engine internals (`startTape`/`endTape`/`scopedRun`, `state.activeTape`,
 * the tape node format: `{ inputs, outputs, gradient, saved }`) as `Engine.gradients` does in
 * tfjs-core 4.x (engine.ts), and a port of its `getFilteredNodesXToY` and
 * `backpropagateGradients` (tape.ts, Apache-2.0), which the package does not export. The test
 * compares every row with `tf.grad`, so a TF.js upgrade that changes them fails there.
 */
import * as tf from '@tensorflow/tfjs';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: Array<tf.Tensor | null>) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape?: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<R>(start: () => void, end: () => void, f: () => R): R;
  tidy<R extends tf.TensorContainer>(name: string, f: () => R): R;
}

/**
 * Gradients with respect to `x` of `sum(dy_r * f(x))`, one per cotangent `dy_r` (each of f(x)'s
 * shape, float32). The caller disposes the results; `f`'s intermediates are freed here.
 * Inside another gradient computation (a tape already recording) it falls back to `tf.grad` per row.
 */
export function inputVjps(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, dys: readonly tf.Tensor[]): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0 || (engine.state.activeTape ?? null) !== null) {
    return dys.map((dy) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(f(v), dy)))(x));
  }
  let tape: TapeNode[] = [];
  try {
    const y = engine.scopedRun(
      () => engine.startTape(),
      () => engine.endTape(),
      () => engine.tidy('forward', () => f(x)),
    );
    tape = engine.state.activeTape ?? [];
    try {
      const filtered = nodesFromXToY(tape, x, y);
      if (filtered.length === 0) throw new Error('inputVjps: f(x) does not depend on x');
      return dys.map((dy) => {
        if (dy.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, y.shape)) throw new Error(`inputVjps: a cotangent must be float32 of shape [${y.shape.join(',')}]`);
        return tf.tidy(() => {
          const gradients: Record<number, tf.Tensor> = { [y.id]: dy };
          backpropagate(gradients, filtered);
          return gradients[x.id] ?? tf.zerosLike(x);
        });
      });
    } finally {
      y.dispose();
    }
  } finally {
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    engine.state.activeTape = null;
  }
}

/** The nodes on a path from x to y, each with only its inputs that depend on x (port of tfjs-core's getFilteredNodesXToY). */
function nodesFromXToY(tape: readonly TapeNode[], x: tf.Tensor, y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>([x.id]);
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      nodesFromX.add(node.id);
      for (const output of node.outputs) fromX.add(output.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((output) => toY.has(output.id))) {
      nodesToY.add(node.id);
      for (const input of Object.values(node.inputs)) toY.add(input.id);
    }
  }
  const filtered: TapeNode[] = [];
  for (const node of tape) {
    if (!nodesFromX.has(node.id) || !nodesToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, input] of Object.entries(node.inputs)) if (fromX.has(input.id)) inputs[name] = input;
    filtered.push({ ...node, inputs });
  }
  return filtered;
}

/** Walks the tape backward accumulating gradients by tensor id (port of tfjs-core's backpropagateGradients). */
function backpropagate(gradients: Record<number, tf.Tensor>, tape: readonly TapeNode[]): void {
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    const dys = node.outputs.map((o) => gradients[o.id] ?? null);
    if (dys.every((d) => d === null)) continue;
    if (node.gradient === undefined) throw new Error(`inputVjps: no gradient for ${node.kernelName}`);
    const inputGradients = node.gradient(dys);
    for (const [name, input] of Object.entries(node.inputs)) {
      const compute = inputGradients[name];
      if (compute === undefined) throw new Error(`inputVjps: ${node.kernelName} has no gradient for its input ${name}`);
      const dx = compute();
      const previous = gradients[input.id];
      gradients[input.id] = previous === undefined ? dx : tf.add(previous, dx);
    }
  }
}
