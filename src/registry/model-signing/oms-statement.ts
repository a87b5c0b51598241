/**
 * The signed content of an OpenSSF model signature, v1.0: an in-toto Statement v1
 * (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md) with predicate type
 * `https://model_signing/signature/v1.0`, as model_signing writes it
 * (model_signing/_signing/signing.py, `Payload`) and reads it back (`dsse_payload_to_manifest`):
 *
 *     { "_type": "https://in-toto.io/Statement/v1",
 *       "subject": [ { "name": "<model folder name>", "digest": { "sha256": "<root digest>" } } ],
 *       "predicateType": "https://model_signing/signature/v1.0",
 *       "predicate": {
 *         "serialization": { "method": "files", "hash_type": "sha256", "allow_symlinks": false, "ignore_paths": [...] },
 *         "resources": [ { "name": "<path in the folder, POSIX>", "algorithm": "sha256", "digest": "<hex>" }, ... ] } }
 *
 * The root digest is SHA-256 over the raw bytes of every resource digest, in the order the
 * resources are listed (signers list them sorted by path). The subject only names the model; the
 * resources say which files, with which contents, were signed. Other predicate members are
 * ignored, as v1.0 asks of verifiers.
 */
import { createHash } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_TYPE } from '../../attestations/crypto/in-toto-statement.ts';
import { isObject, quoted } from './json-shape.ts';
import { ModelSigningError } from './model-signing.errors.ts';

export const OMS_PREDICATE_V1_0 = 'https://model_signing/signature/v1.0';
/** model_signing before 1.0; its statements name files in `subject` and carry no serialization. */
const OMS_PREDICATE_V0_2 = 'https://model_signing/Digests/v0.1';

export interface OmsResource {
  /** Path of the file inside the signed model folder, with "/" between folders. */
  name: string;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface OmsStatement {
  /** The subject's name: the signed folder's name, informative only. */
  modelName: string;
  /** The subject's sha256: the root digest over every resource digest. */
  rootDigest: string;
  resources: OmsResource[];
}

const HEX64 = /^[0-9a-fA-F]{64}$/;
const FIELD = ['input', 'bundle'];

function malformed(message: string): never {
  throw new ModelSigningError('MODEL_SIGNATURE_MALFORMED', `The signed statement ${message}`, FIELD);
}

function unsupported(message: string): never {
  throw new ModelSigningError('MODEL_SIGNATURE_UNSUPPORTED', message, FIELD);
}

function resourceOf(value: unknown, index: number): OmsResource {
  if (!isObject(value)) malformed(`has a resource #${index + 1} that is not an object.`);
  const { name, algorithm, digest } = value;
  if (typeof name !== 'string' || name.length === 0) malformed(`has a resource #${index + 1} without a name.`);
  if (algorithm !== 'sha256') unsupported(`The resource ${quoted(name)} is digested with ${quoted(algorithm)}: Fragmark checks SHA-256 digests (model_signing's default; sign without --hash_method or with sha256).`);
  if (typeof digest !== 'string' || !HEX64.test(digest)) malformed(`has a resource ${quoted(name)} whose digest is not a SHA-256 in hex.`);
  return { name, sha256: digest.toLowerCase() };
}

/**
 * Parses the DSSE payload of an OMS v1.0 signature (call only after its signature verified) and
 * checks that its root digest covers its resources. Throws ModelSigningError
 * MODEL_SIGNATURE_MALFORMED or MODEL_SIGNATURE_UNSUPPORTED.
 */
export function parseOmsStatement(payloadType: string, payload: Uint8Array): OmsStatement {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) unsupported(`The DSSE payload type is ${quoted(payloadType)}: OpenSSF model signatures carry "${IN_TOTO_PAYLOAD_TYPE}".`);
  let statement: unknown;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    malformed('is not UTF-8 JSON.');
  }
  if (!isObject(statement)) malformed('is not a JSON object.');
  if (statement._type !== IN_TOTO_STATEMENT_TYPE) malformed(`has _type ${quoted(statement._type)}, not "${IN_TOTO_STATEMENT_TYPE}".`);
  if (statement.predicateType === OMS_PREDICATE_V0_2) unsupported('The signature was made by model_signing before 1.0 (predicate "https://model_signing/Digests/v0.1"): sign the model again with model_signing 1.0 or later.');
  if (statement.predicateType !== OMS_PREDICATE_V1_0) unsupported(`The signed statement's predicateType is ${quoted(statement.predicateType)}: Fragmark checks OpenSSF model signatures, "${OMS_PREDICATE_V1_0}".`);

  const subjects = statement.subject;
  if (!Array.isArray(subjects) || subjects.length !== 1) malformed('must have exactly one subject (the model).');
  const subject = subjects[0];
  if (!isObject(subject) || !isObject(subject.digest) || typeof subject.digest.sha256 !== 'string' || !HEX64.test(subject.digest.sha256)) {
    malformed('has a subject without a sha256 digest.');
  }
  const predicate = statement.predicate;
  if (!isObject(predicate)) malformed('has no predicate.');
  const serialization = predicate.serialization;
  if (!isObject(serialization)) malformed('has no predicate.serialization.');
  if (serialization.method !== 'files') {
    unsupported(`The model was serialized by ${quoted(serialization.method)}: Fragmark checks whole files (model_signing's default "files" serialization), not shards.`);
  }
  if (serialization.hash_type !== 'sha256') unsupported(`The model's files were hashed with ${quoted(serialization.hash_type)}: Fragmark checks SHA-256 (model_signing's default).`);
  if (!Array.isArray(predicate.resources)) malformed('has no predicate.resources.');

  const resources = predicate.resources.map(resourceOf);
  const names = new Set<string>();
  const root = createHash('sha256');
  for (const resource of resources) {
    if (names.has(resource.name)) malformed(`lists the resource ${quoted(resource.name)} twice.`);
    names.add(resource.name);
    root.update(Buffer.from(resource.sha256, 'hex'));
  }
  const rootDigest = subject.digest.sha256.toLowerCase();
  if (root.digest('hex') !== rootDigest) malformed('is inconsistent: its subject digest is not the digest of its resources.');
  return { modelName: typeof subject.name === 'string' ? subject.name : '', rootDigest, resources };
}
