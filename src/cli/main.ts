/**
 * The `fragmark` command line. Every command accepts --json for scripts (one JSON object on
 * stdout, nothing else there); without it, people get readable text.
 *
 *   fragmark serve                     run the API (what `npm start` runs)
 *   fragmark db migrate                apply pending database migrations
 *   fragmark admin mint-key [--name N] create a PLATFORM_ADMIN key (shown once)
 *   fragmark admin set-issuer <url>    record the public issuer URL every process signs with
 *   fragmark artifacts gc              delete artifact blobs no row references
 *   fragmark artifacts copy --from U   copy every blob of another store into the configured one
 *   fragmark vault rotate-master-key   new master key version + rewrap (key file only)
 *   fragmark vault rewrap-master       rewrap under the newest configured master version
 *   fragmark vault shred-due           crypto-shred tenants whose grace period is over
 */
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
// The server, worker, database and vault are imported by the commands that run them (below):
// client commands (push, verify, verify-token, ...) then start without loading the platform and
// TF.js, which took most of a command's start-up.
import { createLogger } from '../logging/logger.ts';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { CliError } from './api-client.ts';
import { endpointsEnroll, jobs, modelsPush, verify, watermark } from './client-commands.ts';
import { endpointsList, endpointsRegister } from './endpoint-commands.ts';
import { COMMAND_FLAGS, commandOf, unknownFlag } from './command-flags.ts';
import { verifyToken } from './verify-token.ts';
import { evidenceExport, evidenceShow, evidenceVerify } from './evidence-commands.ts';
import { modelsAttachSignature, signingKeysList, signingKeysRegister, signingKeysRevoke } from './signing-commands.ts';
import { webhooksCreate, webhooksDeliveries, webhooksList, webhooksTest } from './webhook-commands.ts';
import { alertsAck, alertsList, monitorsCreate, monitorsList, monitorsPause, report } from './monitoring-commands.ts';

const USAGE = `Usage: fragmark <command> [options]

Commands:
  serve                      Run the GraphQL API (embedded PostgreSQL unless DATABASE_URL is set)
  worker                     Run a worker: takes watermark jobs from the queue (any number, on any hosts)
  db migrate                 Apply pending database migrations
  admin mint-key [--name N]  Create a PLATFORM_ADMIN API key; its secret is printed once
  admin set-issuer <url>     Record the public issuer URL (iss of attestations) the API and every worker sign with
  artifacts gc               Delete artifact blobs no model version or candidate references (older than an hour)
  artifacts copy --from URL  Copy every blob of the store at URL (file:/path, postgres:, s3://...) into the configured store
  vault rotate-master-key    Add a new master key version to the key file and rewrap every keyring under it
  vault rewrap-master        Rewrap every keyring under the newest master key version (after changing FRAGMARK_MASTER_KEY)
  vault shred-due            Destroy the keys of deleted tenants whose grace period is over

Client commands (talk to a running server; --url/--key or FRAGMARK_URL/FRAGMARK_API_KEY):
  models push <modelId> <file|dir> --version <label> [--input-range MIN,MAX] [--input-encoding FLOAT32|UINT8]
                             Upload a model as a new version: an ONNX file (.onnx), a Keras model
                             (.keras, .h5) or a TF.js model folder; the input domain
                             (default 0,1 FLOAT32) is what its endpoint accepts
  watermark <modelVersionId> [--triggers N] [--method M] [--profile FP32_EXACT|TF32|FP16|BF16] [--allow-weak] [--wait]
                             Watermark a version (default profile FP16); --wait shows progress;
                             --allow-weak accepts a weak one (< 32 triggers or no sensitivity)
  jobs [--status S]          Recent jobs of your tenant
  verify <modelVersionId> [--artifact <file|dir> | --endpoint-id <id> | --endpoint [<url> --protocol kserve-v2|tf-serving]] [--wait]
                             Check a model against its watermark; exit 0 INTACT, 3 TAMPERED, 1 ERROR
                             (--endpoint alone: the default registered endpoint; a URL is ad-hoc, attested
                             as not registered; --input-format UINT8 sends 8-bit levels; enrolled endpoints
                             use their stable triggers)
  endpoints register <modelVersionId> --endpoint <url> --protocol P [--name N] [--model-name M]
      [--input-format FLOAT32|UINT8] [--credential-env VAR]
                             Register a deployment (TENANT_ADMIN key; audited); the credential is read
                             from the environment variable VAR
  endpoints list <modelVersionId>
                             The version's registered endpoints
  endpoints enroll <modelVersionId> [--endpoint-id <id> | --endpoint <url> --protocol P [--input-format UINT8]] [--rounds N] [--wait]
                             Query a deployment 3 times with every trigger; record which are stable there
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
  --help                     Show this help
Configuration comes from environment variables: see README.md.`;

interface Parsed {
  command: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const command: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      const next = argv[i + 1];
      if (inline !== undefined) flags.set(name, inline);
      else if (VALUE_FLAGS.has(name) && next !== undefined && !next.startsWith('--')) flags.set(name, argv[++i]!);
      else flags.set(name, true);
    } else command.push(arg);
  }
  return { command, flags };
}

/** Flags that take a value (`--flag value` or `--flag=value`); every other flag is a switch. */
const VALUE_FLAGS = new Set([
  'name', 'url', 'key', 'version', 'triggers', 'method', 'status', 'artifact', 'endpoint', 'endpoint-id', 'protocol', 'model-name',
  'audience', 'nonce', 'issuer', 'jwks', 'profile', 'watermark', 'rounds', 'max-unstable-share', 'input-format', 'input-range',
  'input-encoding', 'credential-env', 'out', 'signing-key', 'every', 'cron', 'jitter', 'sample', 'state', 'note', 'since', 'until',
  'receiver', 'events', 'description', 'first', 'from',
]);

class UsageError extends Error {}

/** The USAGE lines of one command (its synopsis and description), with the common options. */
function usageOf(command: string): string {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^  ${command.replace(/ /g, ' ')}(\\s|$)`).test(l));
  if (start < 0) return USAGE;
  let end = start + 1;
  while (end < lines.length && /^ {4,}/.test(lines[end]!)) end++;
  const flags = [...(COMMAND_FLAGS[command] ?? []), 'json', 'help'].map((f) => `--${f}`).join(' ');
  return ['Usage: fragmark ' + lines[start]!.trim(), ...lines.slice(start + 1, end), '', `Options: ${flags}`].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { command, flags } = parseArgs(argv);
  const json = flags.has('json');
  const out = (human: string, data: object) => {
    if (json) process.stdout.write(JSON.stringify(data) + '\n');
    else process.stderr.write(human + '\n');
  };
  const named = commandOf(command);
  if (flags.has('help') || command.length === 0) {
    process.stdout.write((named ? usageOf(named) : USAGE) + '\n');
    return command.length === 0 && !flags.has('help') ? 2 : 0;
  }
  const refused = named ? unknownFlag(named, flags.keys()) : null;
  if (refused) {
    out(refused, { ok: false, error: refused });
    return 2;
  }

  // Client commands need a server address and key, not the server's configuration.
  const clientCommand = ['models', 'watermark', 'jobs', 'verify', 'verify-token', 'endpoints', 'evidence', 'signing-keys', 'monitors', 'alerts', 'report', 'webhooks'].includes(command[0] ?? '');
  if (clientCommand) {
    try {
      if (command[0] === 'models' && command[1] === 'push') return await modelsPush(command.slice(2), flags, out);
      if (command[0] === 'watermark') return await watermark(command.slice(1), flags, out, json);
      if (command[0] === 'jobs') return await jobs(flags, out);
      if (command[0] === 'verify') return await verify(command.slice(1), flags, out, json);
      if (command[0] === 'endpoints' && command[1] === 'enroll') return await endpointsEnroll(command.slice(2), flags, out, json);
      if (command[0] === 'endpoints' && command[1] === 'register') return await endpointsRegister(command.slice(2), flags, out);
      if (command[0] === 'endpoints' && command[1] === 'list') return await endpointsList(command.slice(2), flags, out);
      if (command[0] === 'verify-token') return await verifyToken(command.slice(1), flags, out);
      if (command[0] === 'evidence' && command[1] === 'show') return await evidenceShow(command.slice(2), flags, out);
      if (command[0] === 'evidence' && command[1] === 'export') return await evidenceExport(command.slice(2), flags, out);
      if (command[0] === 'evidence' && command[1] === 'verify') return await evidenceVerify(command.slice(2), flags, out);
      if (command[0] === 'models' && command[1] === 'attach-signature') return await modelsAttachSignature(command.slice(2), flags, out);
      if (command[0] === 'signing-keys' && command[1] === 'register') return await signingKeysRegister(command.slice(2), flags, out);
      if (command[0] === 'signing-keys' && command[1] === 'list') return await signingKeysList(flags, out);
      if (command[0] === 'signing-keys' && command[1] === 'revoke') return await signingKeysRevoke(command.slice(2), flags, out);
      if (command[0] === 'monitors' && command[1] === 'create') return await monitorsCreate(flags, out);
      if (command[0] === 'monitors' && command[1] === 'list') return await monitorsList(flags, out);
      if (command[0] === 'monitors' && (command[1] === 'pause' || command[1] === 'resume')) return await monitorsPause(command.slice(2), command[1] === 'pause', flags, out);
      if (command[0] === 'alerts' && command[1] === 'ack') return await alertsAck(command.slice(2), flags, out);
      if (command[0] === 'alerts' && command.length === 1) return await alertsList(flags, out);
      if (command[0] === 'report' && command.length === 1) return await report(flags, out);
      if (command[0] === 'webhooks' && command[1] === 'list') return await webhooksList(flags, out);
      if (command[0] === 'webhooks' && command[1] === 'create') return await webhooksCreate(flags, out, json);
      if (command[0] === 'webhooks' && command[1] === 'test') return await webhooksTest(command.slice(2), flags, out);
      if (command[0] === 'webhooks' && command[1] === 'deliveries') return await webhooksDeliveries(command.slice(2), flags, out);
      throw new UsageError(`Unknown command "${command.join(' ')}".`);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      out(error.message, { ok: false, error: error.message });
      return error.exitCode;
    }
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      out(error.message, { ok: false, error: error.message, variable: error.variable });
      return 78;
    }
    throw error;
  }
  // With --json, stdout carries the result only; logs go to stderr.
  const logger = createLogger(config.logLevel, { service: 'fragmark' }, (line) =>
    (json ? process.stderr : process.stdout).write(line + '\n'),
  );

  if (named === 'admin set-issuer' || named === 'artifacts gc' || named === 'artifacts copy') return platformCommand(named, command.slice(2), flags, config, logger, out);
  switch (command.join(' ')) {
    case 'serve':
      return serve(config, logger, out, json);
    case 'worker':
      return worker(config, logger, out);
    case 'db migrate': {
      const { openDatabase } = await import('../db/database.ts');
      const database = await openDatabase(config, logger);
      await database.close();
      out('Database is up to date.', { ok: true });
      return 0;
    }
    case 'admin mint-key': {
      const name = typeof flags.get('name') === 'string' ? (flags.get('name') as string) : 'Platform admin key (command line)';
      const { openDatabase } = await import('../db/database.ts');
      const { mintPlatformAdminKey } = await import('../app/bootstrap.ts');
      const database = await openDatabase(config, logger);
      try {
        const minted = await mintPlatformAdminKey(database.db, name);
        out(
          `Created PLATFORM_ADMIN key ${minted.apiKey.id} (${minted.apiKey.name}). Its secret, shown only this once:\n\n  ${minted.secret}\n`,
          { ok: true, id: minted.apiKey.id, name: minted.apiKey.name, secret: minted.secret },
        );
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'vault rotate-master-key':
    case 'vault rewrap-master':
    case 'vault shred-due':
      return vaultCommand(command[1]!, config, logger, out);
    default:
      throw new UsageError(`Unknown command "${command.join(' ')}".`);
  }
}

async function vaultCommand(name: string, config: Config, logger: ReturnType<typeof createLogger>, out: (human: string, data: object) => void): Promise<number> {
  const { randomKey, sodiumReady } = await import('../vault/aead.ts');
  const { formatMasterKeyring, parseMasterKeyring } = await import('../vault/master-key.ts');
  const { openDatabase } = await import('../db/database.ts');
  const { openVault } = await import('../vault/open-vault.ts');
  await sodiumReady();
  if (name === 'rotate-master-key') {
    if (config.vault.masterKey !== undefined) {
      out(
        'The master key comes from FRAGMARK_MASTER_KEY: add a new version there ("2:<new base64>,1:<old base64>"), restart, then run: fragmark vault rewrap-master',
        { ok: false, error: 'master key is set by environment' },
      );
      return 1;
    }
    const file = config.vault.masterKeyFile;
    const current = parseMasterKeyring(await readFile(file, 'utf8'), file);
    const keys = new Map(current.keys);
    keys.set(current.currentVersion + 1, randomKey());
    // Write the new keyring beside the old one, then swap: never a moment without a usable file.
    await writeFile(`${file}.new`, formatMasterKeyring(keys), { mode: 0o600 });
    await rename(`${file}.new`, file);
    logger.warn('added a master key version: back up the key file again', { file, version: current.currentVersion + 1 });
  }
  const database = await openDatabase(config, logger);
  try {
    const vault = await openVault(database.db, config, logger);
    if (name === 'shred-due') {
      const shredded = await vault.shredDue();
      out(`Crypto-shredded ${shredded.length} keyrings.`, { ok: true, shredded: shredded.length });
    } else {
      const rewrapped = await vault.rewrapUnderCurrentMasterKey();
      out(
        `Rewrapped ${rewrapped} keyring keys under the newest master key version. Restart running servers and workers so they seal with it too.`,
        { ok: true, rewrapped },
      );
    }
  } finally {
    await database.close();
  }
  return 0;
}

/** Commands that change platform state in the database (run anywhere with the platform's configuration). */
async function platformCommand(name: string, args: string[], flags: Map<string, string | boolean>, config: Config, logger: ReturnType<typeof createLogger>, out: (human: string, data: object) => void): Promise<number> {
  const { openDatabase } = await import('../db/database.ts');
  if (name === 'admin set-issuer' && args.length !== 1) throw new UsageError('usage: fragmark admin set-issuer <https://public.address>');
  const database = await openDatabase(config, logger);
  try {
    if (name === 'admin set-issuer') {
      const { setPublicIssuer } = await import('../app/public-issuer.ts');
      let issuer: string;
      try {
        issuer = await setPublicIssuer(database.db, args[0]!);
      } catch (error) {
        out(`Refused: ${(error as Error).message}.`, { ok: false, error: (error as Error).message });
        return 1;
      }
      out(`Recorded the public issuer ${issuer}. Restart the workers so they sign with it (an API started with FRAGMARK_PUBLIC_URL records its own at start-up).`, { ok: true, issuer });
      return 0;
    }
    const { openArtifactStore } = await import('../registry/artifacts/open-artifact-store.ts');
    const { collectUnreferencedBlobs } = await import('../registry/artifacts/artifact-gc.ts');
    const { BLOB_GRACE_MS } = await import('../registry/artifacts/candidate-collector.ts');
    const context = { databaseUrl: database.url, spoolDir: config.artifacts.stagingDir };
    const store = openArtifactStore(config.artifacts.store, context);
    if (name === 'artifacts copy') {
      const from = flags.get('from');
      if (typeof from !== 'string') throw new UsageError('usage: fragmark artifacts copy --from <file:/path | postgres: | s3://bucket/prefix>');
      const { parseArtifactStoreUrl } = await import('../config/config.ts');
      const { copyBlobs } = await import('../registry/artifacts/copy-blobs.ts');
      const source = openArtifactStore(parseArtifactStoreUrl(from), context);
      try {
        const copied = await copyBlobs(source, store);
        out(`Copied ${copied.copied} blobs (${copied.bytes} bytes) from ${source.location} to ${store.location}; ${copied.present} were there already.`, { ok: true, ...copied });
      } finally {
        await source.close();
        await store.close();
      }
      return 0;
    }
    try {
      const collected = await collectUnreferencedBlobs(database.db, store, BLOB_GRACE_MS);
      out(`Artifact store ${store.location}: ${collected.listed} blobs, ${collected.deleted} unreferenced deleted (${collected.deletedBytes} bytes).`, { ok: true, store: store.location, ...collected });
    } finally {
      await store.close();
    }
    return 0;
  } finally {
    await database.close();
  }
}

async function worker(config: Config, logger: ReturnType<typeof createLogger>, out: (human: string, data: object) => void): Promise<number> {
  const signalled = untilSignal(logger);
  const { startWorker } = await import('../app/worker.ts');
  const running = await startOrRefuse(() => startWorker(config, logger), 'worker refused to start', logger, out);
  if (running === undefined) return 78;
  out(`Worker ${running.workerId} ready (TF.js backend: ${running.backend}).`, { event: 'ready', workerId: running.workerId, backend: running.backend });
  await signalled;
  await running.stop();
  return 0;
}

/**
 * Starts a process, or reports why it refuses to (StartRefusal: misconfigured; the caller exits 78):
 * such a process must not run, nor be mistaken for one that stopped cleanly.
 */
async function startOrRefuse<T>(start: () => Promise<T>, event: string, logger: ReturnType<typeof createLogger>, out: (human: string, data: object) => void): Promise<T | undefined> {
  const { StartRefusal } = await import('../app/public-issuer.ts');
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof StartRefusal)) throw error;
    logger.error(event, { reason: error.message });
    out(error.message, { ok: false, event: 'refused', error: error.message });
    return undefined;
  }
}

/** Resolves on the first SIGINT/SIGTERM; a second one exits at once. */
function untilSignal(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info('received signal', { signal });
      process.on(signal, () => {
        logger.warn('second signal: exiting immediately');
        process.exit(130);
      });
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function serve(config: Config, logger: ReturnType<typeof createLogger>, out: (human: string, data: object) => void, json: boolean): Promise<number> {
  // Listen for signals before anything else: one that arrives while starting (or right after the
  // ready line, which a supervisor may answer at once) must lead to a clean stop, not a kill.
  const signalled = untilSignal(logger);
  const { startApiProcess } = await import('../api/api-process.ts');
  const { announceInitialAdminKey } = await import('../app/bootstrap.ts');
  const platform = await startOrRefuse(() => startApiProcess(config, logger), 'API refused to start', logger, out);
  if (platform === undefined) return 78;
  const lines = [`\nFragmark is running.\n  Dashboard:   ${platform.url}/\n  GraphQL API: ${platform.graphqlUrl}\n  Health:      ${platform.url}/healthz`];
  let initialKey: { secret: string } | { file: string } | undefined;
  if (platform.initialAdminKey) {
    // The secret goes to a person at a terminal, never into a log: where stdout (or the stream the
    // message is written to) is not a terminal, it is written to an owner-only file instead.
    const terminal = Boolean(process.stdout.isTTY) && Boolean((json ? process.stdout : process.stderr).isTTY);
    initialKey = await announceInitialAdminKey(platform.initialAdminKey, { dataDir: config.dataDir, terminal }).catch((error: Error) => {
      logger.error('first start: the PLATFORM_ADMIN key file could not be written; mint a key with `fragmark admin mint-key`', { error });
      return undefined;
    });
    if (!initialKey) {
      // Logged above; the server runs on.
    } else if ('secret' in initialKey) {
      lines.push(
        `\nFirst start: a PLATFORM_ADMIN API key was created. It is shown only this once, store it now:\n\n  ${initialKey.secret}\n`,
        'Use it as "Authorization: Bearer <key>". Mint another with: npm run admin:mint-key',
      );
    } else {
      logger.warn('first start: a PLATFORM_ADMIN API key was created and written to a file only this user can read; store it elsewhere, then delete the file', {
        file: initialKey.file,
      });
      lines.push(
        `\nFirst start: a PLATFORM_ADMIN API key was created and written to ${initialKey.file} (readable by this user only).`,
        'Store it somewhere safe, then delete the file. Mint another with: npm run admin:mint-key',
      );
    }
  }
  out(lines.join('\n') + '\n', {
    event: 'ready',
    url: platform.url,
    graphqlUrl: platform.graphqlUrl,
    ...(initialKey && 'secret' in initialKey ? { initialAdminKey: initialKey.secret } : {}),
    ...(initialKey && 'file' in initialKey ? { initialAdminKeyFile: initialKey.file } : {}),
  });

  await signalled;
  await platform.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`fragmark: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  },
);
