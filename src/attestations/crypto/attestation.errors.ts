import { DomainError } from '../../errors/domain-error.ts';

export type AttestationErrorCode =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_SIGNATURE_INVALID'
  | 'TOKEN_ALGORITHM_REFUSED'
  | 'TOKEN_TYPE_INVALID'
  | 'TOKEN_ISSUER_INVALID'
  | 'TOKEN_AUDIENCE_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_CLAIMS_INVALID'
  | 'TOKEN_KEY_UNKNOWN'
  | 'JWKS_UNAVAILABLE'
  | 'SIGNING_KEY_INVALID'
  // Revocation, as the issuer's public attestationStatus query reports it.
  | 'TOKEN_REVOKED'
  | 'TOKEN_UNKNOWN_AT_ISSUER'
  | 'STATUS_UNAVAILABLE'
  // The DSSE envelope and the in-toto statement beside the token, and evidence bundles.
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_PAYLOAD_TYPE_INVALID'
  | 'ENVELOPE_KEY_UNKNOWN'
  | 'ENVELOPE_SIGNATURE_INVALID'
  | 'STATEMENT_INVALID'
  | 'EVIDENCE_MALFORMED'
  | 'EVIDENCE_MISMATCH';

/**
 * Failures of signing and verifying attestation tokens. `fragmark verify-token` prints the message
 * and exits 1. Messages name the failed check in plain words; they never contain key material
 * (no `d`, no raw key bytes) and never echo more than short, already-public header/claim values.
 */
export class AttestationError extends DomainError<AttestationErrorCode> {
  constructor(code: AttestationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = 'AttestationError';
    if (options && 'cause' in options) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
    }
  }
}

/** One default human reason per code, used when no more specific message applies. */
export const ATTESTATION_ERROR_REASONS: Readonly<Record<AttestationErrorCode, string>> = {
  TOKEN_MALFORMED: 'The token is not a well-formed JWS compact serialization (three base64url parts with a JSON header and payload).',
  TOKEN_SIGNATURE_INVALID: 'The token signature does not verify with the published key: the token was altered or not signed by this issuer.',
  TOKEN_ALGORITHM_REFUSED: 'The token uses a signing algorithm other than EdDSA (Ed25519); only EdDSA is accepted.',
  TOKEN_TYPE_INVALID: 'The token header "typ" is not "fragmark-attestation+jwt": it is not a Fragmark attestation.',
  TOKEN_ISSUER_INVALID: 'The token was issued by a different issuer than the one expected.',
  TOKEN_AUDIENCE_INVALID: 'The token audience does not match the expected audience.',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_NOT_YET_VALID: 'The token is not valid yet (its "nbf" or "iat" lies in the future).',
  TOKEN_CLAIMS_INVALID: 'The token claims are missing or have the wrong shape.',
  TOKEN_KEY_UNKNOWN: 'The key that signed the token ("kid") is not in the issuer\'s published key set.',
  JWKS_UNAVAILABLE: 'The issuer\'s public key set (JWKS) could not be fetched or is not a valid JWK Set.',
  SIGNING_KEY_INVALID: 'The signing key is not a valid Ed25519 key.',
  TOKEN_REVOKED: 'The issuer reports that the attestation was revoked.',
  TOKEN_UNKNOWN_AT_ISSUER: 'The issuer reports that it never issued an attestation with this id.',
  STATUS_UNAVAILABLE: 'The issuer could not be asked whether the attestation was revoked.',
  ENVELOPE_MALFORMED: 'The DSSE envelope is not a JSON envelope with payload, payloadType and signatures.',
  ENVELOPE_PAYLOAD_TYPE_INVALID: 'The DSSE envelope does not hold an in-toto statement (payloadType).',
  ENVELOPE_KEY_UNKNOWN: 'No key of the key set matches the DSSE envelope\'s signatures (keyid).',
  ENVELOPE_SIGNATURE_INVALID: 'The DSSE envelope signature does not verify: the statement was altered or not signed by this issuer.',
  STATEMENT_INVALID: 'The signed payload is not a Fragmark in-toto statement.',
  EVIDENCE_MALFORMED: 'The evidence bundle is not a Fragmark evidence bundle.',
  EVIDENCE_MISMATCH: 'The parts of the evidence bundle do not agree with each other.',
};
