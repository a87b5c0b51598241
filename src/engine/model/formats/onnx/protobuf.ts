/**
 * A minimal protocol-buffers wire-format reader (https://protobuf.dev/programming-guides/encoding/).
 *
 * Why our own instead of protobufjs: an upload is attacker-controlled, and we want every length
 * checked against the bytes that are actually there before anything is allocated. This reader
 * never copies: length-delimited fields are returned as views (`subarray`) of the upload, and
 * the caller decides what to decode. Only the wire types ONNX uses are accepted (varint, 64-bit,
 * length-delimited, 32-bit); groups (deprecated wire types 3 and 4) are refused.
 */

export class ProtobufError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface Field {
  readonly number: number;
  readonly wireType: number;
  /** Varint fields: the value as a bigint (int64 fields may exceed 2^53). */
  readonly varint?: bigint;
  /** Length-delimited fields: a view of the bytes (no copy). I32/I64: the raw 4/8 bytes. */
  readonly bytes?: Uint8Array;
}

export class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtobufError(`truncated varint at byte ${this.pos}`);
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtobufError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new ProtobufError(`field of ${n} bytes at byte ${this.pos} runs past the end (${this.buf.length} bytes)`);
    }
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** The next field, or undefined at the end of the message. */
  next(): Field | undefined {
    if (this.done) return undefined;
    const key = this.varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new ProtobufError('field number 0 is invalid');
    switch (wireType) {
      case WIRE_VARINT:
        return { number, wireType, varint: this.varint() };
      case WIRE_I64:
        return { number, wireType, bytes: this.take(8) };
      case WIRE_LEN: {
        const len = this.varint();
        if (len > BigInt(this.buf.length)) throw new ProtobufError(`length ${len} exceeds the message (${this.buf.length} bytes)`);
        return { number, wireType, bytes: this.take(Number(len)) };
      }
      case WIRE_I32:
        return { number, wireType, bytes: this.take(4) };
      default:
        throw new ProtobufError(`unsupported wire type ${wireType} (field ${number})`);
    }
  }
}

/** Iterates the fields of a message. */
export function* fields(buf: Uint8Array): Generator<Field> {
  const r = new Reader(buf);
  for (let f = r.next(); f !== undefined; f = r.next()) yield f;
}

/** int64 varint as a JS number, saturated to +-2^53 (dims, attributes, opset versions). */
export function int64(v: bigint): number {
  const s = BigInt.asIntN(64, v);
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (s > max) return Number.MAX_SAFE_INTEGER;
  if (s < -max) return -Number.MAX_SAFE_INTEGER;
  return Number(s);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
export function str(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : utf8.decode(bytes);
}

/** A repeated int64 field, packed (one LEN field) or not (one VARINT per value). */
export function pushInt64s(f: Field, into: number[]): void {
  if (f.wireType === WIRE_VARINT) into.push(int64(f.varint!));
  else if (f.wireType === WIRE_LEN) {
    const r = new Reader(f.bytes!);
    while (!r.done) into.push(int64(r.varint()));
  } else throw new ProtobufError(`field ${f.number}: expected int64s, got wire type ${f.wireType}`);
}

export function float32Of(f: Field): number {
  if (f.wireType !== WIRE_I32) throw new ProtobufError(`field ${f.number}: expected a float, got wire type ${f.wireType}`);
  return new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 4).getFloat32(0, true);
}

/** A repeated float field, packed or not. */
export function pushFloats(f: Field, into: number[]): void {
  if (f.wireType === WIRE_I32) into.push(float32Of(f));
  else if (f.wireType === WIRE_LEN) {
    const b = f.bytes!;
    if (b.length % 4 !== 0) throw new ProtobufError(`field ${f.number}: packed floats of ${b.length} bytes`);
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    for (let i = 0; i < b.length; i += 4) into.push(dv.getFloat32(i, true));
  } else throw new ProtobufError(`field ${f.number}: expected floats, got wire type ${f.wireType}`);
}

export function expectLen(f: Field, what: string): Uint8Array {
  if (f.wireType !== WIRE_LEN) throw new ProtobufError(`${what} (field ${f.number}) is not length-delimited`);
  return f.bytes!;
}

export function expectVarint(f: Field, what: string): bigint {
  if (f.wireType !== WIRE_VARINT) throw new ProtobufError(`${what} (field ${f.number}) is not a varint`);
  return f.varint!;
}
