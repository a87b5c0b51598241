/**
 * Base class of every expected failure in a domain (bad input, not found, not allowed).
 * Each domain declares its own codes as a string union; the API edge
 * (src/api/errors/) maps every code exhaustively to a GraphQL user error or a top-level error.
 * Messages are shown to clients: they must never contain secrets.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** Path of the offending input field, e.g. ['input', 'role']. */
    readonly field?: string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
