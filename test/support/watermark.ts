/**
 * A READY watermark written straight into a database, with a small synthetic trigger
 * set sealed in its vault: enough for challenges without training a model in a worker.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/client.ts';
import type { Vault } from '../../src/vault/vault.ts';
import { encodeTriggerSet, triggerSetCommitment } from '../../src/engine/index.ts';
import { WATERMARK_SCHEME } from '../../src/watermarks/watermark-settings.ts';
import type { ModelVersion, Prisma, Watermark } from '../../src/db/generated/client.ts';

const SHAPE = [2, 2, 1];
const CLASSES = 4;

/**
 * `deps`: a test API's database and vault, or any pair of them (unit tests). The watermark is
 * made for a new seeded version, or for `options.modelVersionId` (a version of the same tenant).
 * `selfCheck`: what the generation self-check would have recorded (default none, as for
 * watermarks made before it).
 */
export async function seedReadyWatermark(
  { db, vault }: { db: Database; vault: Vault },
  tenantId: string,
  options: { triggerCount: number; modelVersionId?: string; selfCheck?: Record<string, number | boolean> },
): Promise<Watermark> {
  const n = options.triggerCount;
  const set = {
    shape: SHAPE,
    numClasses: CLASSES,
    labels: Int32Array.from({ length: n }, (_, i) => i % CLASSES),
    data: Float32Array.from({ length: n * 4 }, (_, i) => (i % 7) / 7),
    metadata: { method: 'seeded', loss: { kind: 'CE_VARIANCE' as const, lambda: 1 }, parameters: {}, backend: 'none', modelDigest: '0'.repeat(64), createdAt: new Date().toISOString() },
  };
  const encoded = encodeTriggerSet(set);
  const version = options.modelVersionId ? { id: options.modelVersionId } : await seedReadyVersion(db, tenantId);
  const job = await db.job.create({ data: { id: randomUUID(), tenantId, kind: 'WATERMARK', status: 'SUCCEEDED', progress: 1 } });
  const watermark = await db.watermark.create({
    data: {
      tenantId,
      modelVersionId: version.id,
      jobId: job.id,
      status: 'READY',
      scheme: WATERMARK_SCHEME,
      method: 'SENSITIVE',
      triggerCount: n,
      parameters: {},
      policy: { kind: 'strict' },
      commitment: triggerSetCommitment(encoded),
      ...(options.selfCheck ? { selfCheck: options.selfCheck } : {}),
      readyAt: new Date(),
    },
  });
  await vault.seal({ tenantId, purpose: 'trigger-set', recordId: watermark.id }, encoded, { apiKeyId: null });
  return watermark;
}

/** A READY version of a new model (no artifact stored: enough for what services check); `data` overrides columns. */
export async function seedReadyVersion(db: Database, tenantId: string, data: Partial<Prisma.ModelVersionUncheckedCreateInput> = {}): Promise<ModelVersion> {
  const model = await db.model.create({ data: { tenantId, name: `seeded-${randomUUID().slice(0, 8)}` } });
  return db.modelVersion.create({ data: { tenantId, modelId: model.id, label: '1', status: 'READY', inputShape: SHAPE, numClasses: CLASSES, weightsDigest: 'ab'.repeat(32), ...data } });
}
