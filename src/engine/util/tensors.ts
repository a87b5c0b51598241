import type * as tf from '@tensorflow/tfjs';

/**
 * A float tensor's values, then the tensor is disposed. Read values this way rather than
 * returning them from tf.tidy: tidy walks every element of a returned typed array looking for
 * tensors (seconds for the junction's ten [100, 784] gradients).
 */
export function readAndDispose(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
