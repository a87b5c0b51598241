/**
 * Small pieces the list and show commands share: the page size flag, the nodes of a connection,
 * and the line that says more exist than were shown.
 */
import { CliError } from './api-client.ts';
import { flag, type Flags } from './client-commands.ts';

/** --first N: how many rows a list command fetches (1 to 100, default 20). */
export function firstFlag(flags: Flags): number {
  const value = flag(flags, 'first') ?? '20';
  const first = Number(value);
  if (!/^\d+$/.test(value) || first < 1 || first > 100) throw new CliError(`--first must be a whole number from 1 to 100, not "${value}".`, 2);
  return first;
}

/** The nodes of a GraphQL connection, in order. */
export function nodesOf<T = any>(connection: { edges: Array<{ node: T }> }): T[] {
  return connection.edges.map((e) => e.node);
}

/** Rows for people: each on its line, `empty` when there are none, and how many more the page left out. */
export function rowsText(rows: string[], totalCount: number, empty: string): string {
  if (rows.length === 0) return empty;
  const more = totalCount - rows.length;
  return more > 0 ? `${rows.join('\n')}\n... ${more} more (--first N, up to 100)` : rows.join('\n');
}

/** The positional argument at `index`, or a usage error. */
export function argument(args: readonly string[], index: number, usage: string): string {
  const value = args[index];
  if (!value) throw new CliError(`usage: ${usage}`, 2);
  return value;
}
