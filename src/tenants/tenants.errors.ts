import { DomainError } from '../errors/domain-error.ts';

export type TenantsErrorCode = 'SLUG_TAKEN' | 'INVALID_INPUT' | 'TENANT_NOT_FOUND';

export class TenantsError extends DomainError<TenantsErrorCode> {}
