import { DomainError } from '../errors/domain-error.ts';

export type RegistryErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_NAME_TAKEN'
  | 'MODEL_VERSION_NOT_FOUND'
  | 'VERSION_LABEL_TAKEN'
  | 'VERSION_NOT_READY'
  | 'VERSION_IMMUTABLE'
  | 'INVALID_MODEL_INPUT'
  | 'ENDPOINT_NOT_FOUND'
  | 'ENDPOINT_NAME_TAKEN'
  | 'ENDPOINT_AMBIGUOUS';

export class RegistryError extends DomainError<RegistryErrorCode> {}
