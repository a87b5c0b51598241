/**
 * DSSE pre-authentication encoding (https://github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md):
 * the bytes a DSSE signature signs,
 *
 *     "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * with LEN the byte length in ASCII decimal. model_signing builds the same bytes
 * (model_signing/_signing/sign_sigstore_pb.py, `pae`).
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.byteLength} `, 'ascii'), type, Buffer.from(` ${payload.byteLength} `, 'ascii'), payload]);
}
