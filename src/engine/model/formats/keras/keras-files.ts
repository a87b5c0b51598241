/**
 * Which upload is a Keras model (names and magic bytes only) and what its bytes hold: a Keras 3
 * `.keras` zip (config.json + model.weights.h5, https://keras.io/guides/serialization_and_saving/)
 * or a legacy HDF5 file (`model_config` attribute + `model_weights` group).
 */
import { invalidModel, type ArtifactFiles } from '../../classifier.ts';
import { hasHdf5Magic } from './hdf5.ts';
import { hasZipMagic, ZipArchive } from './zip.ts';

export const KERAS_EXTENSIONS = ['.keras', '.h5', '.hdf5'] as const;

/** The names a Keras 3 archive's first entry has (Keras writes metadata.json, then config.json). */
const KERAS_ZIP_FIRST_ENTRIES = ['metadata.json', 'config.json', 'model.weights.h5'];

function hasKerasExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return KERAS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** The first local header's file name (APPNOTE 4.3.7), read without parsing the archive. */
function firstZipEntryName(bytes: Uint8Array): string | undefined {
  if (!hasZipMagic(bytes) || bytes.length < 30) return undefined;
  const nameLength = bytes[26]! | (bytes[27]! << 8);
  return new TextDecoder().decode(bytes.subarray(30, Math.min(bytes.length, 30 + nameLength)));
}

/** Whether a file looks like a Keras model: a Keras extension, or Keras's zip / HDF5 magic on a lone file. */
export function isKerasFile(name: string, bytes: Uint8Array, alone: boolean): boolean {
  if (hasKerasExtension(name)) return true;
  if (!alone) return false;
  const first = firstZipEntryName(bytes);
  return (first !== undefined && KERAS_ZIP_FIRST_ENTRIES.includes(first)) || hasHdf5Magic(bytes);
}

export function detectKeras(files: ArtifactFiles): boolean {
  for (const [name, bytes] of files) if (isKerasFile(name, bytes, files.size === 1)) return true;
  return false;
}

/** The one Keras file of an upload. */
export function kerasFile(files: ArtifactFiles): [string, Uint8Array] {
  const found = [...files].filter(([name, bytes]) => isKerasFile(name, bytes, files.size === 1));
  if (found.length !== 1) {
    throw invalidModel(
      found.length === 0 ? 'the upload holds no Keras model (.keras or .h5)' : `the upload holds ${found.length} Keras files (${found.map(([n]) => n).join(', ')}): upload one model`,
      { files: found.map(([n]) => n) },
    );
  }
  return found[0]!;
}

/** Describes the first bytes of a file that is not what its name says. */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  const head = bytes.subarray(0, 8);
  const hex = [...head].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = [...head].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `it starts with ${hex} ("${text}")`;
}

export interface KerasZipContents {
  readonly config: string;
  readonly weights: Uint8Array;
}

export interface KerasZipLimits {
  readonly maxEntries: number;
  readonly maxConfigBytes: number;
  readonly maxWeightsBytes: number;
}

/** config.json and model.weights.h5 of a `.keras` archive (entry count and sizes checked before inflating). */
export function readKerasZip(name: string, bytes: Uint8Array, limits: KerasZipLimits): KerasZipContents {
  const zip = ZipArchive.open(bytes, { maxEntries: limits.maxEntries, maxEntryBytes: Math.max(limits.maxConfigBytes, limits.maxWeightsBytes) });
  const config = zip.entries.get('config.json');
  if (config === undefined) {
    const listed = [...zip.entries.keys()].slice(0, 10).join(', ');
    throw invalidModel(`${name} is a ZIP archive without config.json (it holds ${listed || 'nothing'}): not a Keras 3 model; save the model with model.save("model.keras")`);
  }
  if (config.uncompressedSize > limits.maxConfigBytes) {
    throw invalidModel(`${name}'s config.json is ${config.uncompressedSize.toLocaleString('en-US')} bytes; at most ${limits.maxConfigBytes.toLocaleString('en-US')} are accepted`);
  }
  if (!zip.entries.has('model.weights.h5')) {
    const sharded = zip.entries.has('model.weights.json') ? ' (sharded weights are not supported: save without max_shard_size)' : '';
    throw invalidModel(`${name} has no model.weights.h5${sharded}`);
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(zip.read('config.json'));
  return { config: text, weights: zip.read('model.weights.h5') };
}
