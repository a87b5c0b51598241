import { DomainError } from '../../errors/domain-error.ts';

/**
 * Why a model signing key or an OpenSSF model signature was refused. Messages name what is wrong
 * (a field, a file) and never echo key material or bundle contents beyond a short quoted name.
 */
export type ModelSigningErrorCode =
  /** The PEM is not one SubjectPublicKeyInfo of an accepted algorithm (or is too large). */
  | 'MODEL_SIGNING_KEY_INVALID'
  /** The tenant already registered this public key. */
  | 'MODEL_SIGNING_KEY_TAKEN'
  | 'MODEL_SIGNING_KEY_NOT_FOUND'
  | 'MODEL_SIGNING_KEY_REVOKED'
  /** The bundle is longer than MAX_BUNDLE_BYTES (checked before it is parsed). */
  | 'MODEL_SIGNATURE_TOO_LARGE'
  /** Not JSON, not a Sigstore bundle, or an in-toto statement that contradicts itself. */
  | 'MODEL_SIGNATURE_MALFORMED'
  /** A certificate-based (Sigstore keyless) bundle: checking it needs the network. */
  | 'MODEL_SIGNATURE_KEYLESS'
  /** The bundle names another public key than the one it is checked with. */
  | 'MODEL_SIGNATURE_KEY_MISMATCH'
  /** The DSSE signature does not verify: the bundle was altered or signed with another key. */
  | 'MODEL_SIGNATURE_INVALID'
  /** Well-formed, but not what Fragmark checks (another predicate, shard serialization, another hash). */
  | 'MODEL_SIGNATURE_UNSUPPORTED'
  /** The signed files and digests are not exactly the version's uploaded files. */
  | 'MODEL_SIGNATURE_DIGEST_MISMATCH';

export class ModelSigningError extends DomainError<ModelSigningErrorCode> {}
