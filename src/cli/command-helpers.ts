/**
 * What the list, show and create commands share: the page size flag, the one-object and
 * one-page queries, the "N more" line, and how a create command prints its result.
 */
import { ApiClient, CliError, clientOptions } from './api-client.ts';
import { flag, type Flags, type Out } from './client-commands.ts';

/** --first N: how many rows a list command fetches (1 to 100, default 20). */
export function firstFlag(flags: Flags): number {
  const value = flag(flags, 'first') ?? '20';
  const first = Number(value);
  if (!/^\d+$/.test(value) || first < 1 || first > 100) throw new CliError(`--first must be a whole number from 1 to 100, not "${value}".`, 2);
  return first;
}

/** The positional argument at `index`, or a usage error. */
export function argument(args: readonly string[], index: number, usage: string): string {
  const value = args[index];
  if (!value) throw new CliError(`usage: ${usage}`, 2);
  return value;
}

/** `field(id)` with `selection`; a CliError (exit 1) naming `what` when the caller's tenant has no such object. */
export async function fetchOne(flags: Flags, field: string, id: string, selection: string, what: string): Promise<any> {
  const data = await new ApiClient(clientOptions(flags)).graphql(`query($id: ID!) { ${field}(id: $id) { ${selection} } }`, { id });
  if (!data[field]) throw new CliError(`No ${what} ${id} in your tenant.`);
  return data[field];
}

/** The first page (--first) of the top-level connection `field`, narrowed by `filter` (a `filterType` input). */
export async function fetchPage(flags: Flags, field: string, filterType: string, filter: object | null, selection: string): Promise<{ totalCount: number; nodes: any[] }> {
  const data = await new ApiClient(clientOptions(flags)).graphql(
    `query($first: Int, $filter: ${filterType}) { ${field}(first: $first, filter: $filter) { totalCount edges { node { ${selection} } } } }`,
    { first: firstFlag(flags), filter },
  );
  return pageOf(data[field]);
}

/** A connection's total and nodes. */
export function pageOf<T = any>(connection: { totalCount: number; edges: Array<{ node: T }> }): { totalCount: number; nodes: T[] } {
  return { totalCount: connection.totalCount, nodes: connection.edges.map((e) => e.node) };
}

/** Rows for people: each on its line, `empty` when there are none, and how many more the page left out. */
export function rowsText(rows: string[], totalCount: number, empty: string): string {
  if (rows.length === 0) return empty;
  const more = totalCount - rows.length;
  return more > 0 ? `${rows.join('\n')}\n... ${more} more (--first N, up to 100)` : rows.join('\n');
}

/**
 * A create command's result: the line for people (stderr) or the JSON object (stdout), and
 * without --json `forScripts` alone on stdout (the new id, or a secret shown once).
 */
export function printCreated(out: Out, json: boolean, human: string, data: object, forScripts: string): number {
  out(human, { ok: true, ...data });
  if (!json) process.stdout.write(`${forScripts}\n`);
  return 0;
}
