/**
 * A minimal ZIP reader for `.keras` archives (Keras 3 writes them with Python's zipfile: stored or
 * deflated entries, no ZIP64 for models under 4 GiB). It follows PKWARE's APPNOTE.TXT 6.3.10
 * (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT): the end of central directory
 * record (section 4.3.16) locates the central directory (4.3.12), whose entries give each file's
 * method, sizes and local header offset (4.3.7). Only the central directory is trusted for sizes:
 * the local header's may be zero when a data descriptor follows (general purpose bit 3).
 *
 * Archives are attacker input: the entry count and every entry's declared uncompressed size are
 * checked against limits before anything is inflated, and inflation itself stops at the declared
 * size (`maxOutputLength`), so a zip bomb that lies about its sizes is refused, not expanded.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { invalidModel } from '../../classifier.ts';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated (APPNOTE 4.4.5); others are refused when read. */
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

export interface ZipLimits {
  /** Most entries the central directory may list. */
  readonly maxEntries: number;
  /** Most uncompressed bytes one entry may declare (checked before inflating). */
  readonly maxEntryBytes: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

/** "PK\x03\x04": a local file header, how every non-empty archive starts (APPNOTE 4.3.7). */
export function hasZipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export class ZipArchive {
  private constructor(
    private readonly bytes: Uint8Array,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Reads the central directory (no entry is inflated). */
  static open(bytes: Uint8Array, limits: ZipLimits): ZipArchive {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const eocd = findEndOfCentralDirectory(bytes, view);
    const diskEntries = view.getUint16(eocd + 8, true);
    const count = view.getUint16(eocd + 10, true);
    const cdSize = view.getUint32(eocd + 12, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw invalidModel('the .keras archive is ZIP64 (over 4 GiB or 65,535 entries), which is not supported');
    }
    if (view.getUint16(eocd + 4, true) !== 0 || diskEntries !== count) throw invalidModel('the .keras archive spans several disks');
    if (count > limits.maxEntries) {
      throw invalidModel(`the .keras archive lists ${count} entries; at most ${limits.maxEntries} are accepted (a Keras 3 model has config.json, metadata.json and model.weights.h5)`, { entries: count });
    }
    if (cdOffset + cdSize > eocd) throw invalidModel('the .keras archive central directory lies outside the file');
    const entries = new Map<string, ZipEntry>();
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_SIZE > eocd || view.getUint32(p, true) !== CENTRAL_SIGNATURE) throw invalidModel(`the .keras archive central directory entry ${i} is malformed`);
      const nameLength = view.getUint16(p + 28, true);
      const extraLength = view.getUint16(p + 30, true);
      const commentLength = view.getUint16(p + 32, true);
      if (p + CENTRAL_SIZE + nameLength > eocd) throw invalidModel(`the .keras archive central directory entry ${i} is malformed`);
      const name = new TextDecoder().decode(bytes.subarray(p + CENTRAL_SIZE, p + CENTRAL_SIZE + nameLength));
      const entry: ZipEntry = {
        name,
        flags: view.getUint16(p + 8, true),
        method: view.getUint16(p + 10, true),
        crc32: view.getUint32(p + 16, true),
        compressedSize: view.getUint32(p + 20, true),
        uncompressedSize: view.getUint32(p + 24, true),
        localHeaderOffset: view.getUint32(p + 42, true),
      };
      if (entries.has(name)) throw invalidModel(`the .keras archive lists "${name}" twice`, { entry: name });
      entries.set(name, entry);
      p += CENTRAL_SIZE + nameLength + extraLength + commentLength;
    }
    for (const entry of entries.values()) {
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        throw invalidModel(`the .keras archive entry "${entry.name}" declares ${entry.uncompressedSize.toLocaleString('en-US')} bytes uncompressed; at most ${limits.maxEntryBytes.toLocaleString('en-US')} are accepted`, {
          entry: entry.name,
          bytes: entry.uncompressedSize,
        });
      }
    }
    return new ZipArchive(bytes, entries);
  }

  /** An entry's bytes, inflated to no more than its declared size and checked against its CRC-32. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (entry === undefined) throw invalidModel(`the .keras archive has no ${name}`, { entry: name });
    if ((entry.flags & 0x1) !== 0) throw invalidModel(`the .keras archive entry "${name}" is encrypted`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const local = entry.localHeaderOffset;
    if (local + LOCAL_SIZE > this.bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
      throw invalidModel(`the .keras archive entry "${name}" has no local header at offset ${local}`);
    }
    const start = local + LOCAL_SIZE + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) throw invalidModel(`the .keras archive entry "${name}" runs past the end of the file`);
    const raw = this.bytes.subarray(start, end);
    let data: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw invalidModel(`the .keras archive entry "${name}" is stored but its sizes differ`);
      data = raw;
    } else if (entry.method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (e) {
        throw invalidModel(`the .keras archive entry "${name}" does not inflate to its declared ${entry.uncompressedSize} bytes: ${(e as Error).message}`, { entry: name }, e);
      }
      if (data.length !== entry.uncompressedSize) throw invalidModel(`the .keras archive entry "${name}" inflates to ${data.length} bytes, not its declared ${entry.uncompressedSize}`);
    } else {
      throw invalidModel(`the .keras archive entry "${name}" uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
    }
    if (crc32(data) !== entry.crc32) throw invalidModel(`the .keras archive entry "${name}" fails its CRC-32 check`, { entry: name });
    return data;
  }
}

/** The EOCD record: the last "PK\x05\x06" whose comment length reaches exactly the end of the file. */
function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView): number {
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - MAX_COMMENT);
  for (let p = bytes.length - EOCD_SIZE; p >= lowest; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE && p + EOCD_SIZE + view.getUint16(p + 20, true) === bytes.length) return p;
  }
  throw invalidModel('the .keras file is not a complete ZIP archive (no end of central directory record)');
}
