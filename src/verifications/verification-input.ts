/** Free-text inputs of verifications and challenges (audience, nonce): printable ASCII, bounded. */
import { VerificationsError } from './verifications.errors.ts';

const TEXT = /^[\x20-\x7e]{1,256}$/;

export function validateText(value: string | null | undefined, field: string): void {
  if (value !== null && value !== undefined && !TEXT.test(value)) {
    throw new VerificationsError('INVALID_VERIFICATION_INPUT', `${field} must be 1 to 256 printable ASCII characters.`, ['input', field]);
  }
}
