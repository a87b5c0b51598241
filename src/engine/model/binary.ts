/**
 * Binary classifiers with one output, as two classes.
 *
 * A model trained with binary cross-entropy answers one number per input: a sigmoid probability
 * p of the positive class, or the logit z before the sigmoid. The engine needs one score per
 * class (triggers sit where the key label and a competitor tie), so the output becomes two
 * columns: class 0 is "negative", class 1 "positive", and argmax is `p > 0.5` (`z > 0`), the
 * label such a model's users read. log(1 - p) and log(p) are well conditioned around p = 0.5,
 * where triggers live; the logit form [0, z] has exactly the logit margin z.
 */
import * as tf from '@tensorflow/tfjs';
import type { OutputKind } from './classifier.ts';

/** The last activation of a model's output, as each format names it, reduced to what matters. */
export type FinalActivation = 'softmax' | 'sigmoid' | 'other';

/**
 * What a classifier's output means, from its final activation (ONNX `Softmax`/`Sigmoid` nodes,
 * TF.js graph ops, Keras/Layers `activation`: each format finds it, this decides): probabilities
 * after a softmax over several classes or a sigmoid over one column, logits otherwise. A softmax
 * over a single column is constant 1 and says nothing: read as a logit, as any other activation.
 */
export function outputMeaning(activation: FinalActivation, classes: number): { outputKind: OutputKind; binarySigmoid: boolean } {
  const binarySigmoid = classes === 1 && activation === 'sigmoid';
  const softmax = classes > 1 && activation === 'softmax';
  return { outputKind: softmax || binarySigmoid ? 'probabilities' : 'logits', binarySigmoid };
}

/** [batch, 1] -> [batch, 2]: probabilities [1 - p, p] for a sigmoid output, logits [0, z] otherwise. */
export function binaryScores(out: tf.Tensor, sigmoid: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const column = tf.reshape(out, [-1, 1]);
    return (sigmoid ? tf.concat([tf.sub(1, column), column], 1) : tf.concat([tf.zerosLike(column), column], 1)) as tf.Tensor2D;
  });
}
