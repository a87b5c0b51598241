/**
 * The command line's client for a Fragmark server: GraphQL over HTTP and the artifact upload.
 * Server address and key come from --url/--key or FRAGMARK_URL/FRAGMARK_API_KEY.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  url: string;
  key: string;
}

export function clientOptions(flags: Map<string, string | true>, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const url = (typeof flags.get('url') === 'string' ? (flags.get('url') as string) : env.FRAGMARK_URL) ?? 'http://127.0.0.1:4000';
  const key = typeof flags.get('key') === 'string' ? (flags.get('key') as string) : env.FRAGMARK_API_KEY;
  if (!key) throw new CliError('No API key: pass --key or set FRAGMARK_API_KEY.', 2);
  return { url: url.replace(/\/+$/, ''), key };
}

export class ApiClient {
  constructor(private readonly options: ClientOptions) {}

  async graphql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.options.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new CliError(`Cannot reach ${this.options.url}: ${networkFailure(error)}`);
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> } | null;
    if (!body) throw new CliError(`${this.options.url} answered HTTP ${response.status} without JSON.`);
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw new CliError(`${first.extensions?.code ?? 'ERROR'}: ${first.message}`);
    }
    return body.data as T;
  }

  /** Runs a mutation and fails with its userErrors, if any. */
  async mutate<T = any>(field: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const data = await this.graphql<Record<string, T & { userErrors: Array<{ code: string; message: string }> }>>(query, variables);
    const payload = data[field]!;
    if (payload.userErrors.length > 0) throw new CliError(describeUserErrors(payload.userErrors));
    return payload;
  }

  async uploadArtifact(path: string, files: Map<string, Uint8Array>): Promise<any> {
    const form = new FormData();
    for (const [name, bytes] of files) form.append('file', new Blob([bytes]), name);
    let response: Response;
    try {
      response = await fetch(`${this.options.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${this.options.key}` }, body: form });
    } catch (error) {
      throw new CliError(`Cannot reach ${this.options.url}: ${networkFailure(error)}`);
    }
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!response.ok) throw new CliError(body?.error ? `${body.error.code}: ${body.error.message}` : `Upload failed with HTTP ${response.status}.`);
    return body;
  }
}

/**
 * Why a request failed, with its cause: fetch says only "fetch failed" and keeps the reason
 * (ECONNREFUSED, ENOTFOUND, a TLS error, ...) in `cause`.
 */
export function networkFailure(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.length ? parts.join(': ') : String(error);
}

/** A mutation's userErrors, one "CODE: message" line each. */
export function describeUserErrors(errors: ReadonlyArray<{ code: string; message: string }>): string {
  return errors.map((e) => `${e.code}: ${e.message}`).join('\n');
}
