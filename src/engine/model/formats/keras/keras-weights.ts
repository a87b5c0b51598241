/**
 * Finds each declared weight's dataset in a Keras weights file, checks its shape and type from
 * HDF5 metadata, and only then reads the values.
 *
 * Layouts:
 * - Keras 3 (`model.weights.h5` in a `.keras` zip, keras/src/saving/saving_lib.py): a model's
 *   layers are stored under `layers/<key>/vars/<i>`, where `<key>` is the layer's class name in
 *   snake_case (`to_snake_case`, "DepthwiseConv2D" -> "depthwise_conv2d") made unique with `_1`,
 *   `_2`... in the order of `model.layers` (a Sequential's InputLayer is not in `model.layers`),
 *   and `<i>` the position in trainable then non-trainable variables. Keras 3.6+ also writes the
 *   layer's name as the `name` attribute of `vars`, which is checked when present.
 * - Legacy HDF5 (`model.save("x.h5")`, keras/src/legacy/saving/legacy_h5_format.py and Keras 2's
 *   hdf5_format.py): `model_weights/<layer>` with a `weight_names` attribute listing the
 *   datasets under it in the layer's weight order (e.g. "conv/kernel:0" in Keras 2, "conv/kernel"
 *   in Keras 3).
 * Both are matched by position to the weights TF.js declares for the layer (the order Keras itself
 * loads them in), and named as TF.js names them ("<layer>/<weight>", e.g. Keras 3's DepthwiseConv2D
 * "kernel" is TF.js's "depthwise_kernel"), so that the weights digest of a Keras model equals that
 * of the same model saved as TF.js Layers.
 */
import type { DeclaredWeight } from '../tfjs-layers/declared-weights.ts';
import { invalidModel } from '../../classifier.ts';
import type { Hdf5Reader } from './hdf5.ts';
import type { KerasLayerInfo } from './keras-config.ts';

export type WeightsLayout = 'keras3' | 'legacy';

export interface LocatedWeight {
  /** TF.js's name for it, "<layer>/<weight>". */
  readonly name: string;
  readonly shape: readonly number[];
  /** The HDF5 dataset holding it. */
  readonly path: string;
}

/** keras.src.utils.naming.to_snake_case. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The `layers/<key>` group of each layer, as Keras 3's `_save_container_state` names them. */
export function keras3LayerKeys(layers: readonly KerasLayerInfo[], kind: 'Sequential' | 'Functional'): Map<string, string> {
  const used = new Map<string, number>();
  const keys = new Map<string, string>();
  for (const layer of layers) {
    if (kind === 'Sequential' && layer.className === 'InputLayer') continue;
    const base = toSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    keys.set(layer.name, n === undefined ? base : `${base}_${n + 1}`);
  }
  return keys;
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Where each declared weight is in the file, with shapes checked (no data read). Refuses missing
 * weights, extra weights, other shapes and non-float32 datasets.
 */
export function locateWeights(
  h5: Hdf5Reader,
  layout: WeightsLayout,
  layers: readonly KerasLayerInfo[],
  kind: 'Sequential' | 'Functional',
  declared: readonly DeclaredWeight[],
): LocatedWeight[] {
  const byLayer = new Map<string, DeclaredWeight[]>();
  for (const w of declared) byLayer.set(w.layer, [...(byLayer.get(w.layer) ?? []), w]);
  const located: LocatedWeight[] = [];
  const keys = layout === 'keras3' ? keras3LayerKeys(layers, kind) : undefined;
  for (const layer of layers) {
    const want = byLayer.get(layer.name) ?? [];
    const paths = layout === 'keras3' ? keras3Datasets(h5, layer, keys!.get(layer.name)) : legacyDatasets(h5, layer);
    const label = `${layer.className} "${layer.name}"`;
    if (paths === undefined) {
      if (want.length > 0) throw invalidModel(`the Keras weights file has no weights for layer ${label}, which needs ${want.length} (${want.map((w) => `${w.name} ${shapeText(w.shape)}`).join(', ')})`, { layer: layer.name });
      continue;
    }
    if (paths.length !== want.length) {
      throw invalidModel(`the Keras weights file holds ${paths.length} weights for layer ${label}, but the layer needs ${want.length}${want.length > 0 ? ` (${want.map((w) => w.name).join(', ')})` : ''}`, {
        layer: layer.name,
        found: paths.length,
        expected: want.length,
      });
    }
    want.forEach((w, i) => {
      const info = h5.datasetInfo(paths[i]!);
      if (info === undefined) throw invalidModel(`the Keras weights file has no dataset ${paths[i]} for ${layer.name}/${w.name}`, { layer: layer.name });
      if (info.shape.length !== w.shape.length || info.shape.some((d, j) => d !== w.shape[j])) {
        throw invalidModel(`weight ${layer.name}/${w.name} has shape ${shapeText(info.shape)} in the file (${paths[i]}) but the layer config needs ${shapeText(w.shape)}`, {
          weight: `${layer.name}/${w.name}`,
          found: info.shape,
          expected: w.shape,
        });
      }
      if (info.dtype !== '<f') throw invalidModel(`weight ${layer.name}/${w.name} is stored as ${info.dtype}, not little-endian float32 (save the model in float32)`, { weight: `${layer.name}/${w.name}` });
      located.push({ name: `${layer.name}/${w.name}`, shape: w.shape, path: paths[i]! });
    });
  }
  for (const layerName of byLayer.keys()) {
    if (!layers.some((l) => l.name === layerName)) throw invalidModel(`TF.js declares weights for a layer "${layerName}" the config does not list`);
  }
  return located;
}

/** Dataset paths under `layers/<key>/vars` in index order, or undefined when the layer has no group. */
function keras3Datasets(h5: Hdf5Reader, layer: KerasLayerInfo, key: string | undefined): string[] | undefined {
  if (key === undefined) return undefined;
  const vars = `layers/${key}/vars`;
  if (!h5.isGroup(vars)) return undefined;
  const stored = h5.stringAttribute(vars, 'name');
  if (stored !== undefined && stored !== layer.name) {
    throw invalidModel(`the Keras weights file stores layer "${stored}" at ${vars}, where the config puts ${layer.className} "${layer.name}"`, { layer: layer.name, stored });
  }
  const names = h5.keys(vars);
  const paths: string[] = [];
  for (let i = 0; i < names.length; i++) {
    if (!names.includes(String(i))) throw invalidModel(`the Keras weights file's ${vars} holds ${names.join(', ')}, not 0..${names.length - 1}`);
    paths.push(`${vars}/${i}`);
  }
  return paths;
}

/** Dataset paths listed by `model_weights/<layer>`'s `weight_names`, or undefined when the layer has no group. */
function legacyDatasets(h5: Hdf5Reader, layer: KerasLayerInfo): string[] | undefined {
  const group = `model_weights/${layer.name}`;
  if (layer.name.includes('/') || !h5.isGroup(group)) return undefined;
  const names = h5.stringListAttribute(group, 'weight_names');
  if (names === undefined) throw invalidModel(`the legacy Keras file's ${group} has no weight_names attribute`);
  return names.map((n) => `${group}/${n}`);
}
