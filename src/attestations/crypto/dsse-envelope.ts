/**
 * DSSE (Dead Simple Signing Envelope) v1, as specified by secure-systems-lab/dsse protocol.md and
 * envelope.md (version 1.0.2): the JSON envelope `{ payload, payloadType, signatures: [{ keyid, sig }] }`
 * whose signatures are Ed25519 over the pre-authentication encoding
 *
 *   PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * (LEN: decimal byte length, no leading zeros; SP: one ASCII space). Fragmark signs in-toto
 * statements with it, with the same Ed25519 key that signs the attestation JWT; `keyid` is that
 * key's JWKS `kid`, so a verifier finds the key in /.well-known/jwks.json.
 *
 * The payload is base64 (standard alphabet when we sign; the spec lets verifiers accept both
 * alphabets, and this one does). `verifyDsseEnvelope` returns the payload bytes it verified: callers
 * parse those, never the envelope again (protocol.md, "MUST NOT re-parse the envelope").
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { AttestationError } from './attestation.errors.ts';
import { parsePrivateKey, toPublicJwk, type SigningKeyMaterial } from './signing-keys.ts';

export interface DsseSignature {
  /** The signing key's JWKS `kid` (an unauthenticated hint: it only narrows which key to try). */
  keyid: string;
  /** Base64 of the Ed25519 signature over PAE(payloadType, payload). */
  sig: string;
}

export interface DsseEnvelope {
  /** Base64 of the serialized body. */
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

/** Largest payload (decoded) we sign or look at; a Fragmark statement is about 2 KB. */
export const MAX_DSSE_PAYLOAD_BYTES = 64 * 1024;
/** More signatures than this is not an envelope Fragmark made; refused before any is tried. */
const MAX_SIGNATURES = 8;
const MAX_TEXT = 1024;
/** Standard or URL-safe base64, padded or not (envelope.md: "either ... is allowed"). */
const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;
const ED25519_SIGNATURE_BYTES = 64;

function fail(code: 'ENVELOPE_MALFORMED' | 'ENVELOPE_PAYLOAD_TYPE_INVALID' | 'ENVELOPE_KEY_UNKNOWN' | 'ENVELOPE_SIGNATURE_INVALID', message: string): never {
  throw new AttestationError(code, message);
}

/** The pre-authentication encoding of protocol.md: what is actually signed. */
export function preAuthEncoding(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.byteLength} `, 'ascii'), type, Buffer.from(` ${body.byteLength} `, 'ascii'), body]);
}

const privateKeys = new WeakMap<SigningKeyMaterial, KeyObject>();

function privateKeyOf(key: SigningKeyMaterial): KeyObject {
  let keyObject = privateKeys.get(key);
  if (!keyObject) {
    // Re-validated (shape, kid = thumbprint, x belongs to d), as for the JWT: a corrupted key fails here.
    const checked = parsePrivateKey(new TextEncoder().encode(JSON.stringify(key.privateJwk ?? null)));
    if (checked.kid !== key.kid) throw new AttestationError('SIGNING_KEY_INVALID', 'The key id does not match the signing key.');
    keyObject = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: checked.privateJwk.x!, d: checked.privateJwk.d! }, format: 'jwk' });
    privateKeys.set(key, keyObject);
  }
  return keyObject;
}

/** Signs `body` as `payloadType` with the attestation key; one signature, keyid = the key's kid. */
export function signDsseEnvelope(key: SigningKeyMaterial, payloadType: string, body: Uint8Array): DsseEnvelope {
  if (typeof payloadType !== 'string' || payloadType.length === 0 || payloadType.length > MAX_TEXT) {
    throw new TypeError('payloadType must be a non-empty string of at most 1024 characters');
  }
  if (body.byteLength > MAX_DSSE_PAYLOAD_BYTES) throw new TypeError(`the payload must be at most ${MAX_DSSE_PAYLOAD_BYTES} bytes`);
  const signature = sign(null, preAuthEncoding(payloadType, body), privateKeyOf(key));
  return {
    payload: Buffer.from(body).toString('base64'),
    payloadType,
    signatures: [{ keyid: key.kid, sig: signature.toString('base64') }],
  };
}

function base64Field(value: unknown, name: string, maxDecodedBytes: number): Buffer {
  if (typeof value !== 'string') fail('ENVELOPE_MALFORMED', `The envelope's "${name}" must be a base64 string.`);
  // Checked before decoding, so an oversized field is never allocated.
  if (value.length > Math.ceil(maxDecodedBytes / 3) * 4) fail('ENVELOPE_MALFORMED', `The envelope's "${name}" is too large (at most ${maxDecodedBytes} bytes).`);
  if (!BASE64_ANY.test(value) || value.replace(/=+$/, '').length % 4 === 1) fail('ENVELOPE_MALFORMED', `The envelope's "${name}" is not base64.`);
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

interface ParsedSignature {
  keyid: string;
  sig: Buffer;
}

function parseEnvelope(value: unknown): { payloadType: string; payload: Buffer; signatures: ParsedSignature[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('ENVELOPE_MALFORMED', 'The DSSE envelope is not a JSON object.');
  const envelope = value as Record<string, unknown>;
  const { payloadType } = envelope;
  if (typeof payloadType !== 'string' || payloadType.length > MAX_TEXT) fail('ENVELOPE_MALFORMED', 'The envelope\'s "payloadType" must be a string.');
  const payload = base64Field(envelope.payload, 'payload', MAX_DSSE_PAYLOAD_BYTES);
  if (!Array.isArray(envelope.signatures) || envelope.signatures.length === 0) fail('ENVELOPE_MALFORMED', 'The envelope has no "signatures".');
  if (envelope.signatures.length > MAX_SIGNATURES) fail('ENVELOPE_MALFORMED', `The envelope has more than ${MAX_SIGNATURES} signatures.`);
  const signatures = envelope.signatures.map((entry, i): ParsedSignature => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('ENVELOPE_MALFORMED', `The envelope's signature ${i + 1} is not an object.`);
    const { keyid, sig } = entry as Record<string, unknown>;
    // envelope.md: keyid is optional, and unset means the same as empty.
    if (keyid !== undefined && (typeof keyid !== 'string' || keyid.length > MAX_TEXT)) fail('ENVELOPE_MALFORMED', `The envelope's signature ${i + 1} has a "keyid" that is not a string.`);
    return { keyid: (keyid as string | undefined) ?? '', sig: base64Field(sig, 'sig', ED25519_SIGNATURE_BYTES) };
  });
  return { payloadType, payload, signatures };
}

/**
 * An envelope as the database holds it (a JSON column), checked rather than cast; throws
 * AttestationError ENVELOPE_MALFORMED for a row altered into something else.
 */
export function storedDsseEnvelope(json: unknown): DsseEnvelope {
  parseEnvelope(json);
  const { payload, payloadType, signatures } = json as DsseEnvelope;
  return { payload, payloadType, signatures: signatures.map(({ keyid, sig }) => ({ keyid: keyid ?? '', sig })) };
}

/** An envelope as a JSON column value (Prisma's JSON input type wants a plain object literal). */
export function dsseEnvelopeJson(envelope: DsseEnvelope): { payload: string; payloadType: string; signatures: Array<{ keyid: string; sig: string }> } {
  return { payload: envelope.payload, payloadType: envelope.payloadType, signatures: envelope.signatures.map(({ keyid, sig }) => ({ keyid, sig })) };
}

export interface VerifyDsseOptions {
  /** The only payloadType accepted (e.g. application/vnd.in-toto+json). */
  payloadType: string;
  /** Accept only a signature by this key (its kid), e.g. the key that signed the accompanying JWT. */
  keyId?: string;
}

export interface VerifiedDsse {
  /** The payload bytes whose signature verified: parse these, not the envelope. */
  payload: Buffer;
  /** The kid of the key whose signature verified. */
  keyId: string;
}

/**
 * Verifies a DSSE JSON envelope against a JWK Set (Ed25519 keys only), as protocol.md says: decode
 * (refused if malformed), pick keys by keyid (all keys when a signature has none), verify the
 * signature over PAE(payloadType, payload), then refuse a payloadType other than the expected one.
 * One signature by an acceptable key is enough. Throws AttestationError (ENVELOPE_*).
 */
export function verifyDsseEnvelope(envelope: unknown, jwks: { keys: JWK[] }, options: VerifyDsseOptions): VerifiedDsse {
  const parsed = parseEnvelope(envelope);
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys)) fail('ENVELOPE_KEY_UNKNOWN', 'The key set is not a JWK Set (no "keys" array).');
  const keys: JWK[] = [];
  for (const candidate of jwks.keys) {
    try {
      keys.push(toPublicJwk(candidate)); // Ed25519 only; kid recomputed as the thumbprint
    } catch {
      // not a usable Ed25519 verification key: skipped
    }
  }
  const pae = preAuthEncoding(parsed.payloadType, parsed.payload);
  let tried = 0;
  for (const signature of parsed.signatures) {
    const candidates = keys.filter((k) => (signature.keyid === '' || k.kid === signature.keyid) && (options.keyId === undefined || k.kid === options.keyId));
    for (const jwk of candidates) {
      tried++;
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, format: 'jwk' });
      if (signature.sig.byteLength === ED25519_SIGNATURE_BYTES && verify(null, pae, publicKey, signature.sig)) {
        if (parsed.payloadType !== options.payloadType) {
          fail('ENVELOPE_PAYLOAD_TYPE_INVALID', `The envelope's payloadType is ${JSON.stringify(parsed.payloadType.slice(0, 80))}, not "${options.payloadType}".`);
        }
        return { payload: parsed.payload, keyId: jwk.kid! };
      }
    }
  }
  if (tried === 0) {
    const named = parsed.signatures.map((s) => s.keyid).filter(Boolean);
    fail(
      'ENVELOPE_KEY_UNKNOWN',
      options.keyId !== undefined
        ? `The envelope is not signed by key ${JSON.stringify(options.keyId)}${named.length ? ` (it names ${named.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')})` : ''}, or that key is not in the key set.`
        : `No key of the key set matches the envelope's signatures${named.length ? ` (keyid ${named.map((k) => JSON.stringify(k.slice(0, 64))).join(', ')})` : ''}.`,
    );
  }
  fail('ENVELOPE_SIGNATURE_INVALID', 'The DSSE envelope signature does not verify: its payload or payloadType was altered, or another key signed it.');
}
