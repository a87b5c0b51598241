/**
 * Associated data bound into every ciphertext, so a ciphertext copied into another row, purpose,
 * tenant or key version fails to open. It is authenticated, not secret, and never holds secrets.
 * Fields are joined by NUL bytes, which the validated fields cannot contain.
 *
 * - key-encryption key:  ("kek", keyring, keyring version, master version)
 * - data key:            ("dek", keyring, purpose, record id, keyring version)
 * - payload:             ("payload", keyring, purpose, record id)
 * The payload is bound to its record but not to a keyring version, which is what lets rotation
 * rewrap data keys without ever decrypting payloads.
 */
const PREFIX = 'fragmark-vault/1';

function join(fields: Array<string | number>): Uint8Array {
  return new TextEncoder().encode([PREFIX, ...fields.map(String)].join('\u0000'));
}

export const associatedData = {
  keyEncryptionKey: (keyring: string, version: number, masterVersion: number) => join(['kek', keyring, version, masterVersion]),
  dataKey: (keyring: string, purpose: string, recordId: string, version: number) => join(['dek', keyring, purpose, recordId, version]),
  payload: (keyring: string, purpose: string, recordId: string) => join(['payload', keyring, purpose, recordId]),
};
