/**
 * Which flags each command takes. Unknown flags are refused (exit 2) rather than ignored: a typo
 * such as `--endpiont-id` must not silently verify something else than asked. A command reading a
 * flag it does not declare fails (CommandFlags), so that every flag it reads is refused nowhere
 * and listed in its --help (usage.ts).
 */
export const COMMON_FLAGS = ['json', 'help'] as const;
const CLIENT = ['url', 'key'] as const;

export const COMMAND_FLAGS: Readonly<Record<string, readonly string[]>> = {
  serve: [],
  worker: [],
  'db migrate': [],
  backup: [],
  restore: [],
  'admin mint-key': ['name'],
  'admin set-issuer': [],
  'artifacts gc': [],
  'artifacts copy': ['from'],
  'vault rotate-master-key': [],
  'vault rewrap-master': [],
  'vault shred-due': [],
  'tenants create': [...CLIENT, 'slug'],
  'tenants list': [...CLIENT, 'all', 'first'],
  'keys create': [...CLIENT, 'name', 'role', 'expires', 'tenant-id'],
  'keys list': [...CLIENT, 'all', 'first'],
  'keys revoke': [...CLIENT],
  'models register': [...CLIENT, 'description', 'tags'],
  'models list': [...CLIENT, 'name', 'tag', 'first'],
  'models show': [...CLIENT],
  'models push': [...CLIENT, 'version', 'input-range', 'input-encoding'],
  'versions list': [...CLIENT, 'first'],
  'versions show': [...CLIENT],
  'watermarks list': [...CLIENT, 'first'],
  'watermarks show': [...CLIENT],
  'verifications list': [...CLIENT, 'model', 'version', 'verdict', 'mode', 'since', 'first'],
  'verifications show': [...CLIENT],
  watermark: [...CLIENT, 'triggers', 'method', 'profile', 'allow-weak', 'wait'],
  jobs: [...CLIENT, 'status'],
  'jobs cancel': [...CLIENT],
  verify: [...CLIENT, 'artifact', 'endpoint', 'endpoint-id', 'protocol', 'model-name', 'input-format', 'audience', 'nonce', 'wait'],
  'endpoints register': [...CLIENT, 'endpoint', 'protocol', 'name', 'model-name', 'input-format', 'credential-env'],
  'endpoints list': [...CLIENT],
  'endpoints enroll': [...CLIENT, 'endpoint', 'endpoint-id', 'protocol', 'model-name', 'input-format', 'watermark', 'rounds', 'max-unstable-share', 'wait'],
  'verify-token': ['issuer', 'jwks', 'audience', 'offline'],
  'evidence show': [...CLIENT],
  'evidence export': [...CLIENT, 'out'],
  'evidence verify': ['issuer', 'jwks', 'audience'],
  'signing-keys register': [...CLIENT],
  'signing-keys list': [...CLIENT, 'all'],
  'signing-keys revoke': [...CLIENT],
  'models attach-signature': [...CLIENT, 'signing-key'],
  'webhooks list': [...CLIENT],
  'webhooks create': [...CLIENT, 'receiver', 'events', 'description'],
  'webhooks test': [...CLIENT],
  'webhooks deliveries': [...CLIENT, 'first'],
  'monitors create': [...CLIENT, 'endpoint-id', 'version', 'every', 'cron', 'jitter', 'sample', 'paused'],
  'monitors list': [...CLIENT, 'state'],
  'monitors pause': [...CLIENT],
  'monitors resume': [...CLIENT],
  alerts: [...CLIENT, 'all'],
  'alerts ack': [...CLIENT, 'note'],
  report: [...CLIENT, 'since', 'until'],
};

/** Flags that take a value (`--flag value` or `--flag=value`); every other flag is a switch. */
export const VALUE_FLAGS: ReadonlySet<string> = new Set([
  'name', 'url', 'key', 'version', 'triggers', 'method', 'status', 'artifact', 'endpoint', 'endpoint-id', 'protocol', 'model-name',
  'audience', 'nonce', 'issuer', 'jwks', 'profile', 'watermark', 'rounds', 'max-unstable-share', 'input-format', 'input-range',
  'input-encoding', 'credential-env', 'out', 'signing-key', 'every', 'cron', 'jitter', 'sample', 'state', 'note', 'since', 'until',
  'receiver', 'events', 'description', 'first', 'slug', 'role', 'expires', 'tenant-id', 'tags', 'tag', 'model', 'verdict', 'mode', 'from',
]);

export interface ParsedCommandLine {
  /** The words that are not flags: the command's name, then its arguments. */
  command: string[];
  flags: Map<string, string | true>;
  /** Flags given more than once (refused: which one should win is a guess). */
  repeated: string[];
}

/**
 * Splits arguments into words and flags: `--flag value` or `--flag=value` for VALUE_FLAGS (a
 * value may start with one dash, as in `--input-range -1,1`), `--flag` for switches. Which flags
 * a command takes, and whether each got a value, is checked after (unknownFlag, valueProblem).
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const command: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      command.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const next = argv[i + 1];
    if (flags.has(name)) repeated.push(name);
    if (equals >= 0) flags.set(name, arg.slice(equals + 1));
    else if (VALUE_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) flags.set(name, argv[++i]!);
    else flags.set(name, true);
  }
  return { command, flags, repeated };
}

/**
 * The parsed flags of one command. Reading a flag the command does not declare throws: a
 * programming error (the flag would be refused on the command line and missing from --help),
 * which any test running that code path reports.
 */
export class CommandFlags extends Map<string, string | true> {
  private readonly declared: ReadonlySet<string>;

  constructor(
    readonly command: string,
    entries: Iterable<readonly [string, string | true]>,
  ) {
    super(entries);
    this.declared = new Set([...COMMON_FLAGS, ...(COMMAND_FLAGS[command] ?? [])]);
  }

  override get(name: string): string | true | undefined {
    this.check(name);
    return super.get(name);
  }

  override has(name: string): boolean {
    this.check(name);
    return super.has(name);
  }

  private check(name: string): void {
    // The Map constructor may call has/get before `declared` is set.
    if (this.declared && !this.declared.has(name)) {
      throw new Error(`fragmark ${this.command} reads --${name}, which COMMAND_FLAGS (src/cli/command-flags.ts) does not declare for it.`);
    }
  }
}

/** The command named by the leading words (`endpoints enroll`, `verify`), or null if none. */
export function commandOf(words: readonly string[]): string | null {
  const two = words.slice(0, 2).join(' ');
  if (two in COMMAND_FLAGS) return two;
  return words[0] !== undefined && words[0] in COMMAND_FLAGS ? words[0] : null;
}

/** The first flag `command` does not take, with the message saying which it does; null when all are known. */
export function unknownFlag(command: string, flags: Iterable<string>): string | null {
  const allowed = new Set([...COMMON_FLAGS, ...(COMMAND_FLAGS[command] ?? [])]);
  for (const flag of flags) {
    if (!allowed.has(flag)) {
      const takes = [...allowed].map((f) => `--${f}`).join(', ');
      return `fragmark ${command} does not take --${flag}; it takes ${takes}.`;
    }
  }
  return null;
}

/** Value flags a command also takes alone: `verify --endpoint` checks the default registered endpoint. */
export const VALUE_OPTIONAL: Readonly<Record<string, readonly string[]>> = { verify: ['endpoint'] };

/** A value flag given without its value, or a switch given one (`--wait=no`), with what to do instead; null when none. */
export function valueProblem(command: string, flags: ReadonlyMap<string, string | true>): string | null {
  for (const [name, value] of flags) {
    if (VALUE_FLAGS.has(name) && value === true && !VALUE_OPTIONAL[command]?.includes(name)) return `fragmark ${command}: --${name} needs a value (--${name} <value> or --${name}=<value>).`;
    if (!VALUE_FLAGS.has(name) && typeof value === 'string') return `fragmark ${command}: --${name} is a switch and takes no value.`;
  }
  return null;
}
