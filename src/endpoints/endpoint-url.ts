/**
 * Rules on what an endpoint's URL and model name may hold, shared by the API's validation
 * (validateEndpoint in src/registry/models.service.ts) and the inference client (checkTarget),
 * so that a stored endpoint the API accepted is one the worker accepts too.
 */

/**
 * A model name is one path segment of the request URL (`/v2/models/{name}/infer`): letters,
 * digits, space and `. _ ~ @ + -`, 1 to 256 characters, and not `.` or `..`. Slashes,
 * backslashes, percent signs (a pre-encoded `%2F` decoded again by a proxy), `?`, `#` and control
 * characters are refused, so that a name cannot move the request to another path of the server.
 */
const MODEL_NAME = /^[A-Za-z0-9._~@+ -]{1,256}$/;

/** Null when `name` is a usable model name, else what is wrong with it. */
export function modelNameProblem(name: string): string | null {
  if (!MODEL_NAME.test(name)) {
    return 'must be 1 to 256 letters, digits, spaces or . _ ~ @ + - (one path segment: no "/", "\\", "%", "?" or "#")';
  }
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  return null;
}

/**
 * A credential is sent as `Authorization: Bearer <credential>`, so it must be a valid header
 * value token: printable ASCII without spaces, at most 4096 characters.
 */
const CREDENTIAL = /^[\x21-\x7e]{1,4096}$/;

/** Null when `credential` can be sent, else what is wrong with it (never echoing it). */
export function credentialProblem(credential: string): string | null {
  return CREDENTIAL.test(credential) ? null : 'must be 1 to 4096 printable ASCII characters without spaces';
}

/** Query parameter names that carry credentials (compared lowercased, without `-`, `_` and `.`). */
const CREDENTIAL_WORDS = ['key', 'token', 'secret', 'passw', 'pwd', 'auth', 'credential', 'signature', 'session', 'jwt', 'bearer', 'cookie'];
const CREDENTIAL_NAMES = new Set(['sig', 'sas', 'code', 'pass', 'xamzcredential']);

/**
 * The name of the first query parameter of `url` that looks like a credential (or whose value is
 * the endpoint's credential), or null. Credentials go in `endpoint.credential`: sealed in the
 * vault and sent as a Bearer header, never stored in a URL that every VIEWER can read.
 */
export function credentialInQuery(url: URL, credential?: string | null): string | null {
  for (const [name, value] of url.searchParams) {
    const compact = name.toLowerCase().replace(/[-_.]/g, '');
    if (CREDENTIAL_NAMES.has(compact) || CREDENTIAL_WORDS.some((w) => compact.includes(w))) return name;
    if (credential && (value.includes(credential) || name.includes(credential))) return name;
  }
  return null;
}

/** Replaces every occurrence of each secret in `text` with `[redacted]` (do this before truncating). */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Redacts, then truncates to `max` characters: a credential is never cut into a part that survives. */
export function redactAndTruncate(text: string, secrets: ReadonlyArray<string | null | undefined>, max: number): string {
  const redacted = redact(text, secrets);
  return redacted.length <= max ? redacted : `${redacted.slice(0, max - 1)}…`;
}
