import { DomainError } from '../errors/domain-error.ts';

export type VerificationsErrorCode =
  | 'WATERMARK_NOT_READY'
  | 'NO_ENDPOINT'
  | 'CANDIDATE_NOT_FOUND'
  | 'CANDIDATE_EXPIRED'
  | 'CHALLENGE_NOT_FOUND'
  | 'CHALLENGE_EXPIRED'
  | 'CHALLENGE_ANSWERED'
  | 'CHALLENGE_BUDGET_EXHAUSTED'
  | 'INVALID_VERIFICATION_INPUT'
  | 'ENROLLMENT_NOT_FOUND';

export class VerificationsError extends DomainError<VerificationsErrorCode> {}
