import { DomainError } from '../errors/domain-error.ts';

export type VaultErrorCode =
  | 'SECRET_NOT_FOUND'
  | 'KEY_VERSION_RETIRED'
  | 'KEYRING_SHREDDED'
  | 'DECRYPTION_FAILED'
  | 'REWRAP_PENDING'
  | 'INVALID_VAULT_INPUT';

/** Failures of sealing and unsealing. Messages never contain key material or plaintext. */
export class VaultError extends DomainError<VaultErrorCode> {}

/** The master key is missing, malformed or not the one this database was sealed with: start-up stops. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}
