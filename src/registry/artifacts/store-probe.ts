/**
 * Proof that a process reads the same artifact store as the API. The API keeps a small blob in its
 * store, whose text (random per installation) is the platform setting `artifactStoreProbe`; a
 * worker reads it back at start-up and refuses to start when it cannot. Without this, a worker
 * configured with another store (its own empty folder) took jobs and ended every one of them
 * ERROR "blob missing" (issue 21, item 9).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Database } from '../../db/client.ts';
import { initPlatformSetting, readPlatformSetting } from '../../db/platform-settings.ts';
import type { ArtifactStore } from './artifact-store.ts';

const MAX_PROBE_BYTES = 1024;

/** The API at start-up: records the probe (first start) and stores its blob. Returns its digest. */
export async function publishStoreProbe(db: Database, store: ArtifactStore): Promise<string> {
  const text = await initPlatformSetting(db, 'artifactStoreProbe', `fragmark artifact store probe ${randomUUID()}\n`);
  const bytes = Buffer.from(text, 'utf8');
  const ref = await store.put(Readable.from([bytes]), { sha256: sha256(bytes), size: bytes.length });
  return ref.sha256;
}

/** The probe's digest, or undefined before any API has started (garbage collection keeps it). */
export async function storeProbeDigest(db: Database): Promise<string | undefined> {
  const text = await readPlatformSetting(db, 'artifactStoreProbe');
  return text === undefined ? undefined : sha256(Buffer.from(text, 'utf8'));
}

/** Why this process cannot use `store` as the platform's artifact store, or undefined when it can. */
export async function storeProbeProblem(db: Database, store: ArtifactStore): Promise<string | undefined> {
  const text = await readPlatformSetting(db, 'artifactStoreProbe');
  if (text === undefined) return 'no API has recorded its artifact store yet: start the API (fragmark serve) first, then the workers';
  const expected = Buffer.from(text, 'utf8');
  const digest = sha256(expected);
  let stream: Readable | undefined;
  try {
    stream = await store.get(digest);
    if (stream === undefined) {
      return `the artifact store ${store.location} does not hold the probe blob ${digest} that the API stored: this process is configured with another store than the API (set FRAGMARK_ARTIFACT_STORE as the API has it)`;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_PROBE_BYTES) break;
      chunks.push(chunk);
    }
    if (!Buffer.concat(chunks).equals(expected)) return `the artifact store ${store.location} holds a damaged probe blob ${digest}`;
    return undefined;
  } catch (error) {
    return `the artifact store ${store.location} cannot be read (${(error as Error).message})`;
  } finally {
    stream?.destroy();
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** How many of the newest model versions' files the API looks for at start-up. */
const SAMPLED_VERSIONS = 3;

/**
 * Why the API should not start with `store`, or undefined: the newest model versions' files are all
 * missing from it, which means the store changed under the data (for example an upgrade that made
 * PostgreSQL the default while the artifacts stayed in a folder). Every verification would end
 * ERROR "blob missing"; refusing says so at once.
 */
export async function missingArtifactsProblem(db: Database, store: ArtifactStore): Promise<string | undefined> {
  const rows = await db.$queryRaw<Array<{ sha256: string }>>`
    SELECT artifact -> 'files' -> 0 ->> 'sha256' AS sha256 FROM "ModelVersion"
     WHERE jsonb_typeof(artifact -> 'files') = 'array' AND jsonb_array_length(artifact -> 'files') > 0
     ORDER BY "uploadedAt" DESC NULLS LAST LIMIT ${SAMPLED_VERSIONS}`;
  if (rows.length === 0) return undefined;
  for (const { sha256 } of rows) if (await store.has(sha256)) return undefined;
  return (
    `the artifact store ${store.location} holds none of the files of the ${rows.length} newest model versions: ` +
    'it is not the store the artifacts were uploaded to. Set FRAGMARK_ARTIFACT_STORE to that store (with DATABASE_URL the default is postgres:; ' +
    'before, it was the folder artifacts in FRAGMARK_DATA_DIR), or copy them with `fragmark artifacts copy --from <that store>`'
  );
}
