/** Whether TF.js Layers registers a layer class of this name (for refusal messages only). */
import * as tf from '@tensorflow/tfjs';

export function tfjsHasLayer(className: string): boolean {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(map, className);
}
