/**
 * The help text of `fragmark`: the whole list (`fragmark --help`) and one command's part of it
 * (`fragmark <command> --help`), which ends with every flag the command declares
 * (command-flags.ts). usage.test.ts checks that every declared flag is described in its command's
 * part, and that every command has one.
 */
import { COMMAND_FLAGS, COMMON_FLAGS, VALUE_FLAGS, VALUE_OPTIONAL } from './command-flags.ts';

export const USAGE = `Usage: fragmark <command> [options]

Commands:
  serve                      Run the GraphQL API (embedded PostgreSQL unless DATABASE_URL is set)
  worker                     Run a worker: takes watermark jobs from the queue (any number, on any hosts)
  db migrate                 Apply pending database migrations
  backup <file>              Write the database and the model artifacts to one file (consistent while running;
                             the master key is never in it: back it up separately)
  restore <file>             Restore a backup into an empty database (a new data folder, or a new
                             DATABASE_URL) of the same Fragmark version; unfinished jobs end FAILED
  admin mint-key [--name N]  Create a PLATFORM_ADMIN API key; its secret is printed once
  admin set-issuer <url>     Record the public issuer URL (iss of attestations) the API and every worker sign with
  artifacts gc               Delete artifact blobs no model version or candidate references (older than an hour)
  artifacts copy --from URL  Copy every blob of the store at URL (file:/path, postgres:, s3://...) into the configured store
  vault rotate-master-key    Add a new master key version to the key file and rewrap every keyring under it
  vault rewrap-master        Rewrap every keyring under the newest master key version (after changing FRAGMARK_MASTER_KEY)
  vault shred-due            Destroy the keys of deleted tenants whose grace period is over

Client commands (talk to a running server; --url/--key or FRAGMARK_URL/FRAGMARK_API_KEY). Commands
that create something print what a script needs next on stdout (the new id, or a secret shown
once); their other output goes to stderr. With --json, one JSON object on stdout instead:
  tenants create <name> [--slug S]
                             Create a tenant (PLATFORM_ADMIN key); prints its first TENANT_ADMIN key once
  tenants list [--all] [--first N]
                             Tenants (PLATFORM_ADMIN key); --all: deleted ones too
  keys create --name N --role TENANT_ADMIN|OPERATOR|VIEWER [--expires <ISO time>] [--tenant-id <id>]
                             Create an API key no stronger than yours (admins; --tenant-id: a platform
                             admin minting it in that tenant); prints its secret once
  keys list [--all] [--first N]
                             Your tenant's active API keys (admins); --all: revoked and expired too
  keys revoke <apiKeyId>     Revoke a key at once (admins; any key may revoke itself)
  models register <name> [--description D] [--tags a,b]
                             Register a model (OPERATOR); prints its id
  models list [--name N] [--tag T] [--first N]
                             Your tenant's models, newest first, with their latest verdict
  models show <modelId>      A model: tags, aliases, verdict counts, its versions
  models push <modelId> <file|dir> --version <label> [--input-range MIN,MAX] [--input-encoding FLOAT32|UINT8]
                             Upload a model as a new version: an ONNX file (.onnx), a Keras model
                             (.keras, .h5) or a TF.js model folder; the input domain
                             (default 0,1 FLOAT32) is what its endpoint accepts; prints the version id
  versions list <modelId> [--first N]
                             A model's versions, newest first
  versions show <modelVersionId>
                             A version: format, input domain, digests, signature, endpoints, verdicts
  watermark <modelVersionId> [--triggers N] [--method M] [--profile FP32_EXACT|TF32|FP16|BF16] [--allow-weak] [--wait]
                             Watermark a version (default profile FP16); --wait shows progress;
                             --allow-weak accepts a weak one (< 32 triggers or no sensitivity)
  watermarks list <modelVersionId> [--first N]
                             A version's watermarks: status, method, triggers, profile, strength
  watermarks show <watermarkId>
                             A watermark: strength, policy, commitment (never its triggers)
  jobs [--status S]          Recent jobs of your tenant
  jobs cancel <jobId>        Cancel a job (OPERATOR): a queued one at once, a running one within seconds
  verify <modelVersionId> [--artifact <file|dir> | --endpoint-id <id> | --endpoint [<url> --protocol kserve-v2|tf-serving]] [--wait]
      [--model-name M] [--input-format FLOAT32|UINT8] [--audience A] [--nonce N]
                             Check a model against its watermark; exit 0 INTACT, 3 TAMPERED, 1 ERROR
                             (--endpoint alone: the default registered endpoint; a URL is ad-hoc, attested
                             as not registered; --input-format UINT8 sends 8-bit levels; enrolled endpoints
                             use their stable triggers; --audience and --nonce go into the token)
  verifications list [--model <modelId>] [--version <modelVersionId>] [--verdict V] [--mode M] [--since 7d] [--first N]
                             Verifications, newest first (verdict PENDING|INTACT|TAMPERED|ERROR,
                             mode ARTIFACT|ENDPOINT|CHALLENGE, --since a duration such as 90m or 7d)
  verifications show <verificationId>
                             A verification: verdict, triggers matched, endpoint, attestation (token with --json)
  endpoints register <modelVersionId> --endpoint <url> --protocol P [--name N] [--model-name M]
      [--input-format FLOAT32|UINT8] [--credential-env VAR]
                             Register a deployment (TENANT_ADMIN key; audited); the credential is read
                             from the environment variable VAR; prints the endpoint id
  endpoints list <modelVersionId>
                             The version's registered endpoints
  endpoints enroll <modelVersionId> [--endpoint-id <id> | --endpoint <url> --protocol P [--model-name M] [--input-format UINT8]]
      [--watermark <id>] [--rounds N] [--max-unstable-share F] [--wait]
                             Query a deployment 3 times with every trigger; record which are stable there
                             (--watermark: not the version's newest; --max-unstable-share: refuse the
                             enrollment when more triggers than this share are unstable)
  signing-keys register <name> <public-key.pem>
                             Trust a public key that signs your models (OpenSSF model signing; TENANT_ADMIN)
  signing-keys list [--all]  Your tenant's signing keys (--all: revoked ones too)
  signing-keys revoke <signingKeyId>
                             Revoke a signing key; the signatures it verified are withdrawn (TENANT_ADMIN)
  models attach-signature <modelVersionId> <model.sig> --signing-key <signingKeyId>
                             Check a model_signing signature against the version's files and record it
  webhooks list              Your tenant's webhook subscriptions
  webhooks create --receiver <url> --events <type,type> [--description D]
                             Subscribe a receiver to verification.completed, integrity.changed, alert.opened
                             (TENANT_ADMIN; audited); prints its signing secret once, on stdout
  webhooks test <subscriptionId>
                             Queue a signed webhook.test delivery to it (OPERATOR)
  webhooks deliveries <subscriptionId> [--first N]
                             Its delivery log, newest first, with every attempt

  evidence show <verificationId>
                             The verdict's in-toto statement and its DSSE envelope (signed like the token)
  evidence export <verificationId> --out <file.json>
                             Write an evidence bundle: token, DSSE envelope, the issuer's key set,
                             the revocation status now, the model/version/watermark facts, how to check it
  monitors create (--endpoint-id <id> | --version <modelVersionId>) (--every <duration> | --cron "<expr>")
      [--jitter <duration>] [--sample N] [--paused]
                             Check a deployment (or the registered artifact) on a schedule (TENANT_ADMIN);
                             durations like 90s, 15m, 12h, 1d; cron in UTC; --sample N random triggers a run
  monitors list [--state S]  Monitors and their integrity state (HEALTHY, TAMPERED, UNREACHABLE, UNKNOWN)
  monitors pause|resume <monitorId>
                             Stop or restart a monitor's runs (TENANT_ADMIN)
  alerts [--all]             Open alerts (--all: acknowledged ones too)
  alerts ack <alertId> [--note "..."]
                             Acknowledge an alert (OPERATOR); who and when are recorded
  report [--since 30d] [--until <time>]
                             Per monitor: checks, verdicts, share of time HEALTHY, open alerts (--json:
                             with each check's attestation id, as evidence)

Third-party checks (no API key):
  verify-token <token> (--issuer <url> | --jwks <file>) [--audience <aud>] [--offline]
                             Verify an attestation against the issuer's keys, then ask the issuer
                             whether it was revoked (--offline: skip that, and say so);
                             exit 0 valid (prints claims), 1 invalid or revoked
  evidence verify <file.json> [--issuer <url>] [--jwks <file>] [--audience <aud>]
                             Check an evidence bundle offline: token, envelope, their agreement, and
                             the revocation status recorded at export (--jwks: a key set you trust
                             instead of the bundle's snapshot); exit 0 valid, 1 invalid

Options:
  --json                     Machine-readable output
  --help                     Show this help (fragmark <command> --help: that command's part)
  --url, --key               Client commands: the server and the API key (default FRAGMARK_URL, FRAGMARK_API_KEY)
Configuration comes from environment variables: see README.md.`;

/** The line of USAGE that starts the command's part (`monitors pause` is in `monitors pause|resume`), or -1. */
function startOf(lines: readonly string[], command: string): number {
  const [first, second] = command.split(' ');
  const pattern = second === undefined ? new RegExp(`^  ${first}(\\s|$)`) : new RegExp(`^  ${first} (?:[\\w-]+\\|)*${second}(?:\\|[\\w-]+)*(\\s|$)`);
  return lines.findIndex((l) => pattern.test(l));
}

/** The USAGE lines of one command (its synopsis and description), then every flag it takes; the whole USAGE for an unknown command. */
export function usageOf(command: string): string {
  const lines = USAGE.split('\n');
  const start = startOf(lines, command);
  if (start < 0 || !(command in COMMAND_FLAGS)) return USAGE;
  let end = start + 1;
  while (end < lines.length && /^ {4,}/.test(lines[end]!)) end++;
  const flags = [...(COMMAND_FLAGS[command] ?? []), ...COMMON_FLAGS].map((f) =>
    VALUE_OPTIONAL[command]?.includes(f) ? `--${f} [<value>]` : VALUE_FLAGS.has(f) ? `--${f} <value>` : `--${f}`,
  );
  return ['Usage: fragmark ' + lines[start]!.trim(), ...lines.slice(start + 1, end), '', `Options: ${flags.join(' ')}`].join('\n');
}

/** The part of USAGE that describes one command (without the Options line). */
export function describedPart(command: string): string {
  return usageOf(command).split('\n\nOptions: ')[0]!;
}
