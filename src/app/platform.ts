/**
 * The one composition root: configuration in, the platform's shared parts out (database with
 * migrations, vault, job queue, artifact store, attestation issuer, egress policy). The API
 * process (src/api/api-process.ts), the worker (worker.ts) and the tests build it the same way;
 * each adds only what its role needs on top (an HTTP server, job handlers).
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import { openDatabase, type OpenDatabase } from '../db/database.ts';
import { openVault } from '../vault/open-vault.ts';
import { JobQueue, type QueueSettings } from '../jobs/job-queue.ts';
import { queueSettingsFrom } from '../jobs/queue-settings.ts';
import { ModelArtifacts } from '../registry/artifacts/model-artifacts.ts';
import { openArtifactStore } from '../registry/artifacts/open-artifact-store.ts';
import { missingArtifactsProblem, publishStoreProbe } from '../registry/artifacts/store-probe.ts';
import { publicIssuerFor, StartRefusal, type PlatformRole } from './public-issuer.ts';
import { AttestationIssuer } from '../attestations/attestation-issuer.ts';
import { egressPolicyFrom } from '../endpoints/egress-policy.ts';
import type { RewrapSettings } from '../keys/key-management.service.ts';
import type { Platform } from './services.ts';

export interface BuildPlatformOptions {
  /**
   * 'api' (default) records the public issuer from its configuration when FRAGMARK_PUBLIC_URL is set
   * (or when none is recorded yet); 'worker' only reads it and refuses to start without one
   * (public-issuer.ts). Both sign with the recorded issuer.
   */
  role?: PlatformRole;
  /** A database already open (tests pass theirs); otherwise opened from the configuration. */
  database?: OpenDatabase;
  /** Hold a LISTEN connection for prompt job pickup: workers only. */
  listen?: boolean;
  /** Queue settings beyond the configuration's (tests shorten retry delays). */
  queueSettings?: Partial<QueueSettings>;
  rewrap?: RewrapSettings;
}

export interface BuiltPlatform {
  platform: Platform;
  database: OpenDatabase;
  /** Closes the queue, then the database when this build opened it. */
  close(): Promise<void>;
}

export async function buildPlatform(config: Config, logger: Logger, options: BuildPlatformOptions = {}): Promise<BuiltPlatform> {
  const database = options.database ?? (await openDatabase(config, logger));
  const closeDatabase = options.database ? async () => {} : () => database.close();
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const issuer = await publicIssuerFor(database.db, config, options.role ?? 'api', logger);
    const vault = await openVault(database.db, config, logger);
    const queueSettings = { ...queueSettingsFrom(config), ...options.queueSettings };
    const queue = await JobQueue.start(database.url, queueSettings, logger, { listen: options.listen ?? false });
    cleanups.push(() => queue.stop(0));
    const blobs = openArtifactStore(config.artifacts.store, { databaseUrl: database.url, spoolDir: config.artifacts.stagingDir });
    cleanups.push(() => blobs.close());
    if ((options.role ?? 'api') === 'api') {
      // Not a store the artifacts are in: every verification would end ERROR "blob missing".
      const missing = await missingArtifactsProblem(database.db, blobs);
      if (missing !== undefined) throw new StartRefusal(`The API cannot use its artifact store: ${missing}.`);
      // The probe blob workers check their store against (store-probe.ts).
      await publishStoreProbe(database.db, blobs);
    }
    const platform: Platform = {
      db: database.db,
      vault,
      queue,
      store: new ModelArtifacts(blobs, config.artifacts.stagingDir),
      issuer: new AttestationIssuer(database.db, vault, { issuer, ttlSeconds: config.attestations.ttlSeconds }),
      challenges: config.challenges,
      // Endpoint addresses may be named and queried only as the egress policy allows (FRAGMARK_EGRESS_ALLOW).
      egress: egressPolicyFrom(config),
      candidateTtlMs: config.artifacts.candidateTtlHours * 3_600_000,
      monitoring: config.monitoring,
      ...(options.rewrap ? { rewrap: options.rewrap } : {}),
    };
    return {
      platform,
      database,
      close: async () => {
        await queue.stop(config.http.shutdownTimeoutMs);
        await blobs.close();
        await closeDatabase();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await closeDatabase();
    throw error;
  }
}
