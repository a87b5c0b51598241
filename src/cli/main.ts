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
 *
 * and the client commands (CLIENT_COMMANDS below; tenants, keys, models, versions, watermarks,
 * verifications, endpoints, ...), each in its group's file. The help text is usage.ts; which
 * flags each command takes, command-flags.ts; conventions, README.md in this folder.
 */
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
// The server, worker, database and vault are imported by the commands that run them (below):
// client commands (push, verify, verify-token, ...) then start without loading the platform and
// TF.js, which took most of a command's start-up.
import { createLogger } from '../logging/logger.ts';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { CliError } from './api-client.ts';
import { endpointsEnroll, jobs, jobsCancel, modelsPush, verify, watermark, type Flags, type Out } from './client-commands.ts';
import { endpointsList, endpointsRegister } from './endpoint-commands.ts';
import { CommandFlags, commandOf, parseCommandLine, unknownFlag, valueProblem } from './command-flags.ts';
import { verifyToken } from './verify-token.ts';
import { evidenceExport, evidenceShow, evidenceVerify } from './evidence-commands.ts';
import { modelsAttachSignature, signingKeysList, signingKeysRegister, signingKeysRevoke } from './signing-commands.ts';
import { webhooksCreate, webhooksDeliveries, webhooksList, webhooksTest } from './webhook-commands.ts';
import { alertsAck, alertsList, monitorsCreate, monitorsList, monitorsPause, report } from './monitoring-commands.ts';
import { modelsList, modelsRegister, modelsShow, versionsList, versionsShow } from './model-commands.ts';
import { watermarksList, watermarksShow } from './watermark-commands.ts';
import { verificationsList, verificationsShow } from './verification-commands.ts';
import { tenantsCreate, tenantsList } from './tenant-commands.ts';
import { keysCreate, keysList, keysRevoke } from './key-commands.ts';
import { USAGE, usageOf } from './usage.ts';

class UsageError extends Error {}

type ClientCommand = (args: string[], flags: Flags, out: Out, json: boolean) => Promise<number>;

/** The commands that talk to a running server (or check tokens offline), by name; each gets the words after its name. */
const CLIENT_COMMANDS: Readonly<Record<string, ClientCommand>> = {
  'tenants create': tenantsCreate,
  'tenants list': (_args, flags, out) => tenantsList(flags, out),
  'keys create': (_args, flags, out, json) => keysCreate(flags, out, json),
  'keys list': (_args, flags, out) => keysList(flags, out),
  'keys revoke': keysRevoke,
  'models register': modelsRegister,
  'models list': (_args, flags, out) => modelsList(flags, out),
  'models show': modelsShow,
  'models push': modelsPush,
  'models attach-signature': modelsAttachSignature,
  'versions list': versionsList,
  'versions show': versionsShow,
  watermark,
  'watermarks list': watermarksList,
  'watermarks show': watermarksShow,
  jobs: (_args, flags, out) => jobs(flags, out),
  'jobs cancel': jobsCancel,
  verify,
  'verifications list': (_args, flags, out) => verificationsList(flags, out),
  'verifications show': verificationsShow,
  'endpoints register': endpointsRegister,
  'endpoints list': endpointsList,
  'endpoints enroll': endpointsEnroll,
  'verify-token': verifyToken,
  'evidence show': evidenceShow,
  'evidence export': evidenceExport,
  'evidence verify': evidenceVerify,
  'signing-keys register': signingKeysRegister,
  'signing-keys list': (_args, flags, out) => signingKeysList(flags, out),
  'signing-keys revoke': signingKeysRevoke,
  'monitors create': (_args, flags, out) => monitorsCreate(flags, out),
  'monitors list': (_args, flags, out) => monitorsList(flags, out),
  'monitors pause': (args, flags, out) => monitorsPause(args, true, flags, out),
  'monitors resume': (args, flags, out) => monitorsPause(args, false, flags, out),
  alerts: (_args, flags, out) => alertsList(flags, out),
  'alerts ack': alertsAck,
  report: (_args, flags, out) => report(flags, out),
  'webhooks list': (_args, flags, out) => webhooksList(flags, out),
  'webhooks create': (_args, flags, out, json) => webhooksCreate(flags, out, json),
  'webhooks test': webhooksTest,
  'webhooks deliveries': webhooksDeliveries,
};

/** Commands that take no positional argument: extra words are an unknown command, not ignored. */
const NO_ARGUMENTS = new Set(['tenants list', 'keys create', 'keys list', 'models list', 'jobs', 'verifications list', 'signing-keys list', 'monitors create', 'monitors list', 'alerts', 'report', 'webhooks list', 'webhooks create']);

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  const command = parsed.command;
  const named = commandOf(command);
  const flags: Flags = named ? new CommandFlags(named, parsed.flags) : parsed.flags;
  const json = flags.has('json');
  const out = (human: string, data: object) => {
    if (json) process.stdout.write(JSON.stringify(data) + '\n');
    else process.stderr.write(human + '\n');
  };
  if (flags.has('help') || command.length === 0) {
    process.stdout.write((named ? usageOf(named) : USAGE) + '\n');
    return command.length === 0 && !flags.has('help') ? 2 : 0;
  }
  if (!named) throw new UsageError(`Unknown command "${command.join(' ')}".`);
  const refused =
    unknownFlag(named, parsed.flags.keys()) ??
    valueProblem(named, parsed.flags) ??
    (parsed.repeated.length > 0 ? `fragmark ${named}: --${parsed.repeated[0]} is given more than once.` : null);
  if (refused) {
    out(refused, { ok: false, error: refused });
    return 2;
  }

  // Client commands need a server address and key, not the server's configuration.
  const client = CLIENT_COMMANDS[named];
  if (client) {
    const rest = command.slice(named.split(' ').length);
    if (rest.length > 0 && NO_ARGUMENTS.has(named)) throw new UsageError(`Unknown command "${command.join(' ')}".`);
    try {
      return await client(rest, flags, out, json);
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

  if (named === 'backup' || named === 'restore') {
    const file = command[1];
    if (file === undefined || command.length > 2) throw new UsageError(`fragmark ${named} takes one file`);
    const { writeBackup, restoreBackup } = await import('../app/backup.ts');
    if (named === 'backup') {
      const written = await writeBackup(config, file, logger);
      out(`Backup written to ${written.file}: ${written.rows} rows of ${written.tables} tables, ${written.artifacts} artifacts, ${written.bytes} bytes. Back up the master key separately.`, written);
    } else {
      const restored = await restoreBackup(config, file, logger);
      out(`Restored ${restored.file} (taken ${restored.createdAt}): ${restored.rows} rows, ${restored.artifacts} artifacts; ${restored.jobsEnded} unfinished jobs ended FAILED.`, restored);
    }
    return 0;
  }

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
  const metricsNote = running.metricsUrl ? `; metrics at ${running.metricsUrl}/metrics` : '';
  out(`Worker ${running.workerId} ready (TF.js backend: ${running.backend}${metricsNote}).`, { event: 'ready', workerId: running.workerId, backend: running.backend, metricsUrl: running.metricsUrl });
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
