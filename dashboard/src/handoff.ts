/** Hands a token from a table to the attestation checker without putting it in the URL. */
let pending: string | null = null;

export function handToChecker(token: string): void {
  pending = token;
}

export function takeHandedToken(): string | null {
  const token = pending;
  pending = null;
  return token;
}
