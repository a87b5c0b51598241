/**
 * The artifact store a configuration names (FRAGMARK_ARTIFACT_STORE, parsed in src/config):
 * one implementation per scheme, each in its own file.
 */
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { ArtifactStoreSpec } from '../../config/config.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import { PostgresArtifactStore } from './postgres-artifact-store.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';
import { ModelArtifacts } from './model-artifacts.ts';

export interface OpenStoreContext {
  /** The platform database (DATABASE_URL, or the embedded server's). */
  databaseUrl: string;
  /** A local folder for temporary files (S3 uploads are spooled there). */
  spoolDir: string;
}

export function openArtifactStore(spec: ArtifactStoreSpec, context: OpenStoreContext): ArtifactStore {
  switch (spec.kind) {
    case 'file':
      return new FileArtifactStore(spec.dir);
    case 'postgres':
      return new PostgresArtifactStore(context.databaseUrl);
    case 's3':
      return new S3ArtifactStore({
        client: new S3Client({ ...(spec.region ? { region: spec.region } : {}), ...(spec.endpoint ? { endpoint: spec.endpoint } : {}), forcePathStyle: spec.forcePathStyle }),
        bucket: spec.bucket,
        prefix: spec.prefix,
        spoolDir: context.spoolDir,
      });
  }
}

/** Model artifacts in one local folder, staging beside the blobs (tests, tools). */
export function modelArtifactsInFolder(root: string): ModelArtifacts {
  return new ModelArtifacts(new FileArtifactStore(root), path.join(root, 'staging'));
}
