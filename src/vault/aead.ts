/**
 * XChaCha20-Poly1305-IETF (libsodium) with random 24-byte nonces: nonces this long can be drawn
 * at random for any number of messages without a realistic collision risk.
 *
 * Sealed blob layout: [format 0x01][nonce, 24 bytes][ciphertext || 16-byte tag].
 */
import sodium from 'libsodium-wrappers';
import { VaultError } from './vault.errors.ts';

const FORMAT = 0x01;
export const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

let ready: Promise<void> | undefined;
/** libsodium initialises asynchronously once per process. */
export function sodiumReady(): Promise<void> {
  return (ready ??= sodium.ready);
}

export function randomKey(): Uint8Array {
  return sodium.randombytes_buf(KEY_BYTES);
}

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array<ArrayBuffer> {
  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  const blob = new Uint8Array(1 + NONCE_BYTES + ciphertext.length);
  blob[0] = FORMAT;
  blob.set(nonce, 1);
  blob.set(ciphertext, 1 + NONCE_BYTES);
  return blob;
}

/** Opens a blob; any change to it, to the key or to the associated data refuses. */
export function open(key: Uint8Array, blob: Uint8Array, associatedData: Uint8Array, what: string): Uint8Array {
  if (blob.length < 1 + NONCE_BYTES + TAG_BYTES || blob[0] !== FORMAT) {
    throw new VaultError('DECRYPTION_FAILED', `The ${what} is damaged or in an unknown format.`);
  }
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, blob.subarray(1 + NONCE_BYTES), associatedData, blob.subarray(1, 1 + NONCE_BYTES), key);
  } catch {
    throw new VaultError('DECRYPTION_FAILED', `The ${what} does not open: it was altered, moved to another record, or sealed with another key.`);
  }
}

/** Overwrites key material once it is no longer needed. */
export function wipe(...buffers: Array<Uint8Array | undefined>): void {
  for (const buffer of buffers) if (buffer) sodium.memzero(buffer);
}
