/**
 * Reads an OpenSSF model signature file (`model.sig`): a Sigstore bundle v0.3
 * (https://github.com/sigstore/protobuf-specs, sigstore_bundle.proto) whose content is a DSSE
 * envelope, signed with a key that the bundle names only by a hint (model_signing's key and PKCS#11
 * signers: sign_ec_key.py writes `verificationMaterial.publicKey.hint` and no transparency-log entry).
 *
 * Shape checks are @sigstore/bundle's (`bundleFromJSON`: media type, content, one DSSE signature,
 * verification material); this module adds what OMS key signing needs and refuses certificate
 * (keyless) bundles before they are parsed. It checks no signature: see verify-oms-signature.ts.
 */
import { bundleFromJSON, BUNDLE_V03_MEDIA_TYPE, ValidationError } from '@sigstore/bundle';
import { isObject, quoted } from './json-shape.ts';
import { ModelSigningError } from './model-signing.errors.ts';

/** The only bundle media type model_signing writes (sign_sigstore_pb.py, `_BUNDLE_MEDIA_TYPE`). */
export const OMS_BUNDLE_MEDIA_TYPE = BUNDLE_V03_MEDIA_TYPE;

/**
 * A bundle for a TF.js folder (model.json plus at most 64 shards: one in-toto resource each,
 * about 200 bytes once base64-encoded) takes a few KiB; 64 KiB bounds what is parsed.
 */
export const MAX_BUNDLE_BYTES = 64 * 1024;

export interface DsseContent {
  payloadType: string;
  payload: Buffer;
  signature: Buffer;
  /** `verificationMaterial.publicKey.hint`; "" when the bundle has none (model_signing before 1.1). */
  keyHint: string;
}

const FIELD = ['input', 'bundle'];

function malformed(message: string): never {
  throw new ModelSigningError('MODEL_SIGNATURE_MALFORMED', message, FIELD);
}

/** Refuses (MODEL_SIGNATURE_TOO_LARGE) a bundle over MAX_BUNDLE_BYTES of UTF-8: callers check it before anything else. */
export function assertBundleSize(text: string): void {
  if (text.length > MAX_BUNDLE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_BUNDLE_BYTES) {
    throw new ModelSigningError('MODEL_SIGNATURE_TOO_LARGE', `The signature bundle is larger than ${MAX_BUNDLE_BYTES} bytes.`, FIELD);
  }
}

/**
 * The DSSE envelope and key hint of a key-signed OMS bundle. Throws ModelSigningError:
 * MODEL_SIGNATURE_TOO_LARGE (before parsing), MODEL_SIGNATURE_MALFORMED, MODEL_SIGNATURE_KEYLESS
 * (a certificate instead of a public-key hint), MODEL_SIGNATURE_UNSUPPORTED (a message signature).
 */
export function readOmsBundle(text: string): DsseContent {
  assertBundleSize(text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    malformed('The signature bundle is not JSON: send the content of the model.sig file that model_signing wrote.');
  }
  if (!isObject(json)) malformed('The signature bundle must be a JSON object (a Sigstore bundle).');
  if (json.mediaType !== OMS_BUNDLE_MEDIA_TYPE) {
    malformed(`The signature bundle's mediaType is ${quoted(json.mediaType)}: OpenSSF model signatures (OMS v1.0) are Sigstore bundles "${OMS_BUNDLE_MEDIA_TYPE}".`);
  }
  const material = json.verificationMaterial;
  if (!isObject(material)) malformed('The signature bundle has no verificationMaterial.');
  if ('x509CertificateChain' in material || 'certificate' in material) {
    throw new ModelSigningError(
      'MODEL_SIGNATURE_KEYLESS',
      'The signature bundle carries a certificate (Sigstore keyless signing, or model_signing\'s certificate method): checking it needs Fulcio\'s and Rekor\'s trust roots and logs over the network, which Fragmark does not use. Sign with a key (model_signing sign key) and register its public key.',
      FIELD,
    );
  }
  if (!isObject(material.publicKey)) malformed('The signature bundle\'s verificationMaterial names no public key (verificationMaterial.publicKey).');
  if ('messageSignature' in json) {
    throw new ModelSigningError('MODEL_SIGNATURE_UNSUPPORTED', 'The signature bundle holds a message signature: OpenSSF model signatures sign an in-toto statement in a DSSE envelope (dsseEnvelope).', FIELD);
  }
  let bundle;
  try {
    // model_signing's reader defaults a missing tlogEntries (older signers omitted it): so do we.
    bundle = bundleFromJSON({ ...json, verificationMaterial: { tlogEntries: [], ...material } });
  } catch (error) {
    if (error instanceof ValidationError && error.fields?.length) malformed(`The signature bundle is not a valid Sigstore bundle: ${error.fields.slice(0, 5).join(', ')}.`);
    malformed('The signature bundle is not a valid Sigstore bundle.');
  }
  if (bundle.content.$case !== 'dsseEnvelope') malformed('The signature bundle holds no DSSE envelope (dsseEnvelope).');
  if (bundle.verificationMaterial.content.$case !== 'publicKey') malformed('The signature bundle\'s verificationMaterial names no public key.');
  const envelope = bundle.content.dsseEnvelope;
  return {
    payloadType: envelope.payloadType,
    payload: Buffer.from(envelope.payload),
    signature: Buffer.from(envelope.signatures[0]!.sig),
    keyHint: bundle.verificationMaterial.content.publicKey.hint ?? '',
  };
}
