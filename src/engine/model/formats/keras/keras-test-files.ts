/**
 * Test helpers: the committed Keras fixtures (test/fixtures/keras/, made by
 * scripts/fixtures/make-keras-fixtures.py) and a small ZIP writer to build altered archives.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import h5wasm, { type File as H5File } from 'h5wasm';
import { ZipArchive } from './zip.ts';

export const FIXTURES = path.join(import.meta.dirname, '../../../../../test/fixtures/keras');
export const FIXTURE_NAMES = ['cnn', 'mobilenet', 'binary', 'nchw'] as const;

export interface Expected {
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly inputs: number[][];
  readonly outputs: number[][];
  readonly weights: Array<{ name: string; shape: number[] }>;
  readonly parameters: number;
  readonly weightsDigest: string;
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, file)));
}

export function expected(name: string): Expected {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected;
}

export function upload(name: string, bytes: Uint8Array): Map<string, Uint8Array> {
  return new Map([[name, bytes]]);
}

export interface ZipInput {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate?: boolean;
  /** Uncompressed size to declare instead of the real one (a lying zip bomb). */
  readonly declaredSize?: number;
}

/** A ZIP archive (APPNOTE 4.3): local headers, data, central directory, end record. */
export function writeZip(entries: readonly ZipInput[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const body = e.deflate === true ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, e.deflate === true ? 8 : 0, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(10, e.deflate === true ? 8 : 0, true);
    cd.setUint32(16, crc, true);
    cd.setUint32(20, body.length, true);
    cd.setUint32(24, size, true);
    cd.setUint16(28, name.length, true);
    cd.setUint32(42, offset, true);
    chunks.push(new Uint8Array(local.buffer), name, body);
    central.push(new Uint8Array(cd.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of all) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** A fixture's .keras with its config.json changed by `edit` (the weights file kept as is). */
export function editedKeras(name: string, edit: (config: any) => void): Uint8Array {
  const zip = ZipArchive.open(fixtureBytes(`${name}.keras`), { maxEntries: 10, maxEntryBytes: 1 << 24 });
  const config = JSON.parse(new TextDecoder().decode(zip.read('config.json')));
  edit(config);
  return writeZip([
    { name: 'metadata.json', data: zip.read('metadata.json') },
    { name: 'config.json', data: new TextEncoder().encode(JSON.stringify(config)), deflate: true },
    { name: 'model.weights.h5', data: zip.read('model.weights.h5') },
  ]);
}

let edits = 0;

/** HDF5 bytes changed by `edit` (h5wasm, read-write, in its in-memory file system). */
export async function editedHdf5(bytes: Uint8Array, edit: (file: H5File) => void): Promise<Uint8Array> {
  const module = await h5wasm.ready;
  const path = `/keras-test-edit-${++edits}.h5`;
  module.FS.writeFile(path, bytes);
  const file = new h5wasm.File(path, 'a');
  try {
    edit(file);
  } finally {
    file.close();
  }
  const out = module.FS.readFile(path);
  module.FS.unlink(path);
  return out;
}

/** A legacy .h5 fixture with its model_config changed by `edit`. */
export function editedLegacyConfig(name: string, edit: (config: any) => void): Promise<Uint8Array> {
  return editedHdf5(fixtureBytes(`${name}.h5`), (file) => {
    const config = JSON.parse(String(file.attrs['model_config']!.value));
    edit(config);
    file.delete_attribute('model_config');
    file.create_attribute('model_config', JSON.stringify(config));
  });
}
