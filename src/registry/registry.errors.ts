import { DomainError } from '../errors/domain-error.ts';

export type RegistryErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_NAME_TAKEN'
  | 'MODEL_VERSION_NOT_FOUND'
  | 'VERSION_LABEL_TAKEN'
  | 'VERSION_NOT_READY'
  | 'VERSION_IMMUTABLE'
  | 'INVALID_MODEL_INPUT';

export class RegistryError extends DomainError<RegistryErrorCode> {}
