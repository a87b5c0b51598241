/**
 * The trigger generator G: fixed latents z_i -> candidate triggers of the classifier's input shape.
 *
 * Yin, Yin, Zhang (ICIP 2022, arXiv 2208.07585) use a randomly initialised progressive-GAN
 * generator (20.7M parameters, no discriminator, no data). method.md measured that this costs
 * 26 s per step on a 2-core CPU, while a small DCGAN-style generator reaches AccTri 100% in 30
 * updates: we use the latter, shaped for any H x W x C input:
 *
 *     dense(latentDim -> h0*w0*c0) -> reshape -> [BN] -> ReLU
 *     repeat U times: conv2dTranspose 4x4 stride 2 (channels halve) -> [BN] -> ReLU
 *     conv2d 3x3 -> C channels, linear    (then a centre crop to H x W)
 *
 * Layers followed by batch norm have no bias (DCGAN's convention): the batch mean cancels it.
 * with h0 = ceil(H / 2^U). The output is NOT squashed (no tanh, no clamp): the reference
 * triggers live in the classifier's input space as unbounded float32, and clamping changes the
 * method's behaviour (method.md).
 *
 * Batch norm uses the statistics of the whole batch of N latents (it is part of the generator,
 * not the classifier), with its closed-form gradient (`batchNormTraining`).
 * Weights are created from a seeded stream, so a run is reproducible from the stored seed.
 * `variables` is the explicit varList for the optimiser: the classifier is never trained.
 */
import * as tf from '@tensorflow/tfjs';
import { EngineError } from '../errors.ts';
import { SeededStream } from '../util/prng.ts';
import { BATCH_NORM_BACKWARD_KERNEL, BATCH_NORM_FORWARD_KERNEL } from '../backend/heap-kernels.ts';

export interface GeneratorConfig {
  /** Latent vector size. */
  readonly latentDim: number;
  /** Channels of the last hidden stage; stage i has width * 2^(U-i). */
  readonly width: number;
  /** Upsampling stages U (default: up to 2, fewer for small inputs). */
  readonly upsamplings?: number;
  /** Batch normalisation after the dense layer and each transposed conv (DCGAN style). */
  readonly batchNorm: boolean;
}

export const DEFAULT_GENERATOR: GeneratorConfig = { latentDim: 100, width: 8, batchNorm: true };
/** The paper's latent size (progressive-GAN generator); use with PAPER_OPTIMIZER for the paper preset. */
export const PAPER_LATENT_DIM = 512;

export function defaultUpsamplings(h: number, w: number): number {
  const m = Math.min(h, w);
  return Math.max(0, Math.min(2, Math.floor(Math.log2(m / 2))));
}

/** Variable names are global in TF.js; several generators may live at once (concurrent jobs). */
let uniqueSuffix = 0;

interface Stage {
  kernel: tf.Variable;
  /** Absent with batch norm, which subtracts the batch mean and so cancels any bias exactly. */
  bias?: tf.Variable;
  gamma?: tf.Variable;
  beta?: tf.Variable;
  outChannels: number;
}

export class ConvGenerator {
  readonly config: Required<GeneratorConfig>;
  readonly outputShape: readonly [number, number, number];
  readonly variables: tf.Variable[] = [];
  private readonly h0: number;
  private readonly w0: number;
  private readonly c0: number;
  private readonly dense: { kernel: tf.Variable; bias?: tf.Variable; gamma?: tf.Variable; beta?: tf.Variable };
  private readonly ups: Stage[] = [];
  private readonly out: { kernel: tf.Variable; bias: tf.Variable };
  private disposed = false;

  constructor(outputShape: readonly number[], config: GeneratorConfig, seed: string) {
    if (outputShape.length !== 3 || outputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new EngineError('INVALID_MODEL', `the generator needs an image input shape [H, W, C] (got [${outputShape.join(',')}])`);
    }
    if (!Number.isInteger(config.width) || config.width < 1) throw new EngineError('INVALID_ARGUMENT', `generator width must be a positive integer`);
    const [h, w, c] = outputShape as [number, number, number];
    const u = config.upsamplings ?? defaultUpsamplings(h, w);
    this.config = { ...config, upsamplings: u };
    this.outputShape = [h, w, c];
    this.h0 = Math.ceil(h / 2 ** u);
    this.w0 = Math.ceil(w / 2 ** u);
    this.c0 = config.width * 2 ** u;
    const rng = new SeededStream(seed, 'generator-init');
    let n = 0;
    const glorot = (shape: number[], fanIn: number, fanOut: number): tf.Variable => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const size = shape.reduce((a, b) => a * b, 1);
      return this.variableFrom(tf.tensor(rng.uniforms(size, -limit, limit), shape), `fragmark_gen_${n++}`);
    };
    const fill = (shape: number[], value: number): tf.Variable =>
      this.variableFrom(tf.fill(shape, value), `fragmark_gen_${n++}`);
    try {
      const units = this.h0 * this.w0 * this.c0;
      this.dense = { kernel: glorot([config.latentDim, units], config.latentDim, units) };
      if (config.batchNorm) {
        this.dense.gamma = fill([this.c0], 1);
        this.dense.beta = fill([this.c0], 0);
      } else {
        this.dense.bias = fill([units], 0);
      }
      let inC = this.c0;
      for (let i = 0; i < u; i++) {
        const outC = Math.max(1, inC / 2);
        // conv2dTranspose filter layout: [kh, kw, outChannels, inChannels].
        const stage: Stage = { kernel: glorot([4, 4, outC, inC], 16 * inC, 16 * outC), outChannels: outC };
        if (config.batchNorm) {
          stage.gamma = fill([outC], 1);
          stage.beta = fill([outC], 0);
        } else {
          stage.bias = fill([outC], 0);
        }
        this.ups.push(stage);
        inC = outC;
      }
      this.out = { kernel: glorot([3, 3, inC, c], 9 * inC, 9 * c), bias: fill([c], 0) };
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The variable shares nothing with `init`, which is disposed (tf.variable keeps it alive otherwise). */
  private variableFrom(init: tf.Tensor, name: string): tf.Variable {
    try {
      const v = tf.variable(init, true, `${name}_${uniqueSuffix++}`);
      this.variables.push(v);
      return v;
    } finally {
      init.dispose();
    }
  }

  get parameterCount(): number {
    return this.variables.reduce((s, v) => s + v.size, 0);
  }

  private norm(x: tf.Tensor, gamma: tf.Variable | undefined, beta: tf.Variable | undefined): tf.Tensor {
    if (gamma === undefined || beta === undefined) return x;
    return batchNormTraining(x, gamma, beta);
  }

  /** G(z): [N, latentDim] -> [N, H, W, C] (unbounded float32). */
  apply(z: tf.Tensor2D): tf.Tensor4D {
    if (this.disposed) throw new Error('generator disposed');
    return tf.tidy(() => {
      const nb = z.shape[0];
      let x: tf.Tensor = tf.matMul(z, this.dense.kernel as tf.Tensor2D);
      if (this.dense.bias !== undefined) x = tf.add(x, this.dense.bias);
      x = tf.reshape(x, [nb, this.h0, this.w0, this.c0]);
      x = tf.relu(this.norm(x, this.dense.gamma, this.dense.beta));
      let h = this.h0;
      let w = this.w0;
      for (const s of this.ups) {
        h *= 2;
        w *= 2;
        x = tf.conv2dTranspose(x as tf.Tensor4D, s.kernel as tf.Tensor4D, [nb, h, w, s.outChannels], 2, 'same');
        if (s.bias !== undefined) x = tf.add(x, s.bias);
        x = tf.relu(this.norm(x, s.gamma, s.beta));
      }
      x = tf.add(tf.conv2d(x as tf.Tensor4D, this.out.kernel as tf.Tensor4D, 1, 'same'), this.out.bias);
      const [oh, ow] = this.outputShape;
      if (h !== oh || w !== ow) {
        const top = Math.floor((h - oh) / 2);
        const left = Math.floor((w - ow) / 2);
        x = tf.slice(x, [0, top, left, 0], [nb, oh, ow, this.outputShape[2]]);
      }
      return x as tf.Tensor4D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables) v.dispose();
    this.variables.length = 0;
  }
}

export const BATCH_NORM_EPSILON = 1e-5;

/**
 * Training-mode batch normalisation over all axes but the last, y = gamma * (x - mean) /
 * sqrt(var + eps) + beta, with the closed-form gradient (Ioffe and Szegedy 2015, sec. 3):
 *     dx = gamma * rsqrt(var + eps) * (dy - mean(dy) - xhat * mean(dy * xhat))
 * Autodiff through the plain ops takes about 20 elementwise passes over the activations per
 * normalisation, this takes about 8; on wasm batch norm was a third of a generation step
 * (bench/RESULTS.md). On wasm with channels % 4 == 0 each direction is one SIMD kernel
 * (backend/heap-kernels.ts): three passes forward, two backward, instead of about 12 kernels each.
 */
export const batchNormTraining: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  if (x.shape[x.rank - 1]! % 4 === 0 && tf.getKernel(BATCH_NORM_FORWARD_KERNEL, tf.getBackend()) !== undefined) {
    const [value, mean, rsq, scale] = tf.engine().runKernel(BATCH_NORM_FORWARD_KERNEL, { x, gamma, beta }, { epsilon: BATCH_NORM_EPSILON }) as tf.Tensor[];
    save([x, mean!, rsq!, scale!]);
    return {
      value: value!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sMean, sRsq, sScale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(BATCH_NORM_BACKWARD_KERNEL, { dy: dy as tf.Tensor, x: sx, mean: sMean, rsq: sRsq, scale: sScale }, {}) as tf.Tensor[];
      },
    };
  }
  const mean = channelMean(x);
  const variance = channelMean(tf.square(channelAffine(x, tf.onesLike(mean), tf.neg(mean))));
  const rsq = tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
  const scale = tf.mul(gamma, rsq);
  save([x, mean, rsq, scale]);
  return {
    // gamma * (x - mean) * rsq + beta, as one per-channel affine pass
    value: channelAffine(x, scale, tf.sub(beta, tf.mul(mean, scale))),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor;
      const [sx, sMean, sRsq, sScale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const count = g.size / g.shape[g.rank - 1]!;
      const meanDy = channelMean(g);
      // mean(dy * xhat) = rsq * (mean(dy * x) - mean * mean(dy))
      const meanDyXhat = tf.mul(sRsq, tf.sub(channelMean(tf.mul(g, sx)), tf.mul(sMean, meanDy)));
      // dx = scale * (dy - meanDy - xhat * meanDyXhat) = scale * dy + k * x + c, per channel:
      const k = tf.neg(tf.mul(tf.mul(sScale, sRsq), meanDyXhat));
      const c = tf.sub(tf.neg(tf.mul(sScale, meanDy)), tf.mul(k, sMean));
      const dx = tf.add(channelAffine(g, sScale, c), channelAffine(sx, k, tf.zerosLike(k)));
      return [dx, tf.mul(meanDyXhat, count), tf.mul(meanDy, count)];
    },
  };
});

/**
 * Mean over every axis but the last: [..., C] -> [C]. On wasm, for images, as two average pools
 * (over H x W, then over the batch) in XNNPACK: 3x faster than wasm's Mean, which first
 * transposes the reduced axes to the end.
 */
function channelMean(x: tf.Tensor): tf.Tensor1D {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  if (tf.getBackend() !== 'wasm' || x.rank !== 4) return tf.mean(x, axes) as tf.Tensor1D;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const perImage = tf.avgPool(x as tf.Tensor4D, [h, w], 1, 'valid');
  return tf.reshape(tf.avgPool(tf.reshape(perImage, [1, n, 1, c]) as tf.Tensor4D, [n, 1], 1, 'valid'), [c]);
}

/**
 * x * scale + shift per channel in one pass. On wasm a depthwise convolution with a 1x1 filter
 * and a bias is exactly that map and runs in XNNPACK (8x faster than wasm's FusedBatchNorm, a
 * scalar loop); elsewhere the fused batch-norm kernel with mean 0, variance 1 and epsilon 0.
 */
function channelAffine(x: tf.Tensor, scale: tf.Tensor1D | tf.Tensor, shift: tf.Tensor1D | tf.Tensor): tf.Tensor {
  const channels = x.shape[x.rank - 1]!;
  if (tf.getBackend() !== 'wasm') {
    return tf.batchNorm(x, tf.zeros([channels]), tf.ones([channels]), shift as tf.Tensor1D, scale as tf.Tensor1D, 0);
  }
  const image = (x.rank === 4 ? x : tf.reshape(x, [1, 1, x.size / channels, channels])) as tf.Tensor4D;
  const y = tf.fused.depthwiseConv2d({ x: image, filter: tf.reshape(scale, [1, 1, channels, 1]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: shift });
  return x.rank === 4 ? y : tf.reshape(y, x.shape);
}
