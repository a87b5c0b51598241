/**
 * The Keras format reader: `.keras` (Keras 3) and legacy `.h5` models, loaded through TF.js
 * Layers and served by the TF.js Layers classifier (format 'KERAS').
 */
import type { ModelFormatReader } from '../format-reader.ts';
import { layersClassifier } from '../tfjs-layers/layers-classifier.ts';
import { detectKeras } from './keras-files.ts';
import { loadKerasModel } from './keras-loader.ts';

export const kerasReader: ModelFormatReader = {
  format: 'KERAS',
  detect: detectKeras,
  async load(files, limits) {
    const { model } = await loadKerasModel(files, limits);
    try {
      return layersClassifier(model, { format: 'KERAS', inferencePlan: true });
    } catch (e) {
      model.dispose();
      throw e;
    }
  },
};
