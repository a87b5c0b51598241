/**
 * Hand-written TF.js Layers uploads for the upload-hardening tests and benches (issue 16 item 2):
 * a topology and a weightsManifest of the caller's choosing, consistent with each other or not.
 */

/** model.json of a Sequential model with `layers`, its manifest listing `weights` (float32, in weights.bin). */
export function layersModelJson(layers: object[], weights: Array<{ name: string; shape: number[] }>): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 'hostile', layers } },
      weightsManifest: [{ paths: ['weights.bin'], weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }],
    }),
  );
}

/** Dense(units) on a `width`-wide input (units = width by default). */
export function denseLayer(width: number, units = width): object {
  return { class_name: 'Dense', config: { name: 'big', units, activation: 'softmax', batch_input_shape: [null, width] } };
}

/** Dense(width) on a width-wide input whose manifest lists one 4-byte weight: the declared kernel is width² floats. */
export function denseOnOneWeight(width: number): Map<string, Uint8Array> {
  return new Map([
    ['model.json', layersModelJson([denseLayer(width)], [{ name: 'big/kernel', shape: [1] }])],
    ['weights.bin', new Uint8Array(4)],
  ]);
}
