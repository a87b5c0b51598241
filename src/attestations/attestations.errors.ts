import { DomainError } from '../errors/domain-error.ts';

/**
 * - `ATTESTATION_NOT_FOUND`: no attestation with that jti belongs to the caller's tenant.
 * - `INVALID_ATTESTATION_INPUT`: a revocation reason over 500 characters.
 */
export type AttestationsErrorCode = 'ATTESTATION_NOT_FOUND' | 'INVALID_ATTESTATION_INPUT';

export class AttestationsError extends DomainError<AttestationsErrorCode> {}
