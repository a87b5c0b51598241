/**
 * Which flags each command takes. Unknown flags are refused (exit 2) rather than ignored: a typo
 * such as `--endpiont-id` must not silently verify something else than asked.
 */
export const COMMON_FLAGS = ['json', 'help'] as const;
const CLIENT = ['url', 'key'] as const;

export const COMMAND_FLAGS: Readonly<Record<string, readonly string[]>> = {
  serve: [],
  worker: [],
  'db migrate': [],
  'admin mint-key': ['name'],
  'admin set-issuer': [],
  'artifacts gc': [],
  'artifacts copy': ['from'],
  'vault rotate-master-key': [],
  'vault rewrap-master': [],
  'vault shred-due': [],
  'models push': [...CLIENT, 'version', 'input-range', 'input-encoding'],
  watermark: [...CLIENT, 'triggers', 'method', 'profile', 'allow-weak', 'wait'],
  jobs: [...CLIENT, 'status'],
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
