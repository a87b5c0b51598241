import { DomainError } from '../errors/domain-error.ts';

export type TenantsErrorCode = 'SLUG_TAKEN' | 'INVALID_INPUT';

export class TenantsError extends DomainError<TenantsErrorCode> {}
