import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields as sut, int64, ProtobufError, pushInt64s } from './protobuf.ts';
import { encode } from './testing/build-onnx.ts';

test('reads varints, lengths and nested messages as views of the input', () => {
  const bytes = encode([[1, 300], [2, 'hi'], [3, [[1, -5]]]]);
  const f = [...sut(bytes)];
  assert.deepEqual(f.map((x) => [x.number, x.wireType]), [[1, 0], [2, 2], [3, 2]]);
  assert.equal(f[0]!.varint, 300n);
  assert.equal(f[1]!.bytes!.buffer, bytes.buffer, 'no copy');
  assert.equal(int64([...sut(f[2]!.bytes!)][0]!.varint!), -5, 'negative int64 (10-byte varint)');
});

test('packed and unpacked repeated int64 give the same values', () => {
  const packed: number[] = [];
  for (const f of sut(encode([[1, Uint8Array.from([1, 0x96, 0x01])]]))) pushInt64s(f, packed);
  const unpacked: number[] = [];
  for (const f of sut(encode([[1, 1], [1, 150]]))) pushInt64s(f, unpacked);
  assert.deepEqual(packed, [1, 150]);
  assert.deepEqual(unpacked, [1, 150]);
});

test('malformed input: a length past the end, a truncated varint, a group, field number 0', () => {
  const cases: Array<[number[], RegExp]> = [
    [[0x0a, 0x05, 1, 2, 3, 4], /field of 5 bytes at byte 2 runs past the end \(6 bytes\)/],
    [[0x08, 0x80], /truncated varint/],
    [[0x0b], /unsupported wire type 3/],
    [[0x00, 0x01], /field number 0 is invalid/],
    [[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], /length 4294967295 exceeds the message/],
  ];
  for (const [bytes, pattern] of cases) assert.throws(() => [...sut(Uint8Array.from(bytes))], (e: unknown) => e instanceof ProtobufError && pattern.test(e.message), pattern.source);
});
