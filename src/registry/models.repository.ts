/**
 * The model registry's database access: models, versions and aliases through the caller's
 * tenant-scoped client, the raw SQL of the version pages and the verdict filter, and the
 * recording of an artifact. `ModelVersion.artifact` (JSON) is written here with manifestJson and
 * read back, checked, by storedManifest (artifacts/artifact-manifest.ts); nothing casts it.
 */
import type { Database, Transaction } from '../db/client.ts';
import type { Model, ModelAlias, ModelVersion, Prisma } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import { isUuid } from '../common/ids.ts';
import { paginate, type Page, type PageRequest } from '../common/pagination.ts';
import type { ValidatedArtifact } from './artifacts/model-validation.ts';
import { manifestJson } from './artifacts/artifact-manifest.ts';
import { storedArtifactBytes } from './storage-quota.ts';

/** Which models a list shows; `latestVerdict` is resolved by the repository (one raw query). */
export interface ModelFilter {
  name?: string | null;
  tag?: string | null;
  alias?: string | null;
  latestVerdict?: 'PENDING' | 'INTACT' | 'TAMPERED' | 'ERROR' | null;
}

/** The columns a new model is created with (its tenant comes from the scoped client). */
export type NewModel = Pick<Prisma.ModelUncheckedCreateInput, 'name' | 'description' | 'tags'>;

/** The columns a new version is created with. */
export type NewVersion = Pick<ModelVersion, 'tenantId' | 'modelId' | 'label' | 'inputMin' | 'inputMax' | 'inputEncoding'>;

/** A model's newest versions (at most what was asked for, plus one) and how many it has. */
export interface NewestVersions {
  versions: ModelVersion[];
  total: number;
}

/** One tenant's models, through its scoped client (src/db/tenant-scope.ts). */
export class ModelsRepository {
  /** `db`: the unscoped client, only for the transaction that creates a version and registers its endpoint (its writes name the tenant). */
  constructor(
    private readonly scoped: TenantDatabase,
    private readonly db: Database,
  ) {}

  createModel(tenantId: string, fields: NewModel): Promise<Model> {
    return this.scoped.model.create({ data: { ...fields, tenantId } });
  }

  get(id: string): Promise<Model | null> {
    return isUuid(id) ? this.scoped.model.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  version(id: string): Promise<ModelVersion | null> {
    return isUuid(id) ? this.scoped.modelVersion.findUnique({ where: { id } }) : Promise.resolve(null);
  }

  /** Runs `work` in a transaction of the unscoped client (what also seals and audits runs in it). */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.$transaction(work);
  }

  /** In the caller's transaction: a version awaiting its artifact. */
  createVersion(tx: Transaction, fields: NewVersion): Promise<ModelVersion> {
    return tx.modelVersion.create({ data: fields });
  }

  /**
   * Records `artifact` on the version if it still awaits its upload, then runs `beforeCommit` in
   * the same transaction (when it throws, nothing is recorded). False, without calling
   * `beforeCommit`, when the version already has its artifact.
   */
  recordArtifact(versionId: string, artifact: ValidatedArtifact, now: Date, beforeCommit: (tx: Transaction) => Promise<void>, timeoutMs: number): Promise<boolean> {
    return this.scoped.$transaction(
      async (tx) => {
        const updated = await tx.modelVersion.updateMany({
          where: { id: versionId, status: 'AWAITING_UPLOAD' },
          data: {
            status: 'READY',
            format: artifact.format,
            inputShape: artifact.inputShape,
            inputLayout: artifact.inputLayout,
            binaryOutput: artifact.binaryOutput,
            numClasses: artifact.numClasses,
            weightsDigest: artifact.weightsDigest,
            artifact: manifestJson(artifact.manifest),
            artifactDigest: artifact.manifest.digest,
            artifactBytes: artifact.manifest.totalBytes,
            uploadedAt: now,
          },
        });
        if (updated.count === 0) return false;
        await beforeCommit(tx as Transaction);
        return true;
      },
      { timeout: timeoutMs },
    );
  }

  /** Artifact bytes the tenant keeps (versions and candidates), as the storage quota counts them. */
  storedArtifactBytes(tenantId: string): Promise<number> {
    return storedArtifactBytes(this.scoped, tenantId);
  }

  /** Points `name` at the version, moving the alias if the model has it. */
  setAlias(tenantId: string, modelId: string, name: string, versionId: string): Promise<ModelAlias> {
    return this.scoped.modelAlias.upsert({
      where: { modelId_name: { modelId, name } },
      create: { tenantId, modelId, name, versionId },
      update: { versionId },
    });
  }

  async list(tenantId: string, page: PageRequest, filter: ModelFilter): Promise<Page<Model>> {
    const where = {
      ...(filter.latestVerdict ? { id: { in: await this.modelsWithLatestVerdict(tenantId, filter.latestVerdict) } } : {}),
      ...(filter.name ? { name: { contains: filter.name, mode: 'insensitive' as const } } : {}),
      ...(filter.tag ? { tags: { has: filter.tag.toLowerCase() } } : {}),
      ...(filter.alias ? { aliases: { some: { name: filter.alias } } } : {}),
    };
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.model.findMany({ where: { ...where, ...cursorWhere }, take, orderBy }),
      () => this.scoped.model.count({ where }),
    );
  }

  versions(modelId: string, page: PageRequest): Promise<Page<ModelVersion>> {
    return paginate(
      page,
      ({ take, cursorWhere, orderBy }) => this.scoped.modelVersion.findMany({ where: { modelId, ...cursorWhere }, take, orderBy }),
      () => this.scoped.modelVersion.count({ where: { modelId } }),
    );
  }

  /** For each model, its `perModel` newest versions (newest first) and its version count, in two queries. */
  async newestVersions(tenantId: string, modelIds: string[], perModel: number): Promise<Map<string, NewestVersions>> {
    const [rows, counts] = await Promise.all([
      this.scoped.$queryRaw<Array<ModelVersion & { position?: unknown }>>`
        SELECT * FROM (
          SELECT *, row_number() OVER (PARTITION BY "modelId" ORDER BY id DESC) AS position FROM "ModelVersion"
          WHERE "tenantId" = ${tenantId}::uuid AND "modelId" = ANY(${modelIds}::uuid[])
        ) ranked WHERE position <= ${perModel} ORDER BY "modelId", id DESC`,
      this.scoped.modelVersion.groupBy({ by: ['modelId'], where: { modelId: { in: modelIds } }, _count: { _all: true } }),
    ]);
    const total = new Map(counts.map((c) => [c.modelId, c._count._all]));
    return new Map(
      modelIds.map((modelId) => [
        modelId,
        { versions: rows.filter((r) => r.modelId === modelId).map(({ position: _position, ...v }) => v), total: total.get(modelId) ?? 0 },
      ]),
    );
  }

  aliases(modelId: string): Promise<ModelAlias[]> {
    return this.scoped.modelAlias.findMany({ where: { modelId }, orderBy: { name: 'asc' } });
  }

  aliasesOfVersion(versionId: string): Promise<ModelAlias[]> {
    return this.scoped.modelAlias.findMany({ where: { versionId }, orderBy: { name: 'asc' } });
  }

  /** Models whose newest verification, across their versions, has `verdict` (one query). */
  private async modelsWithLatestVerdict(tenantId: string, verdict: string): Promise<string[]> {
    const rows = await this.scoped.$queryRaw<Array<{ modelId: string }>>`
      SELECT "modelId" FROM (
        SELECT DISTINCT ON (mv."modelId") mv."modelId", v.verdict::text AS verdict FROM "Verification" v
        JOIN "ModelVersion" mv ON mv.id = v."modelVersionId"
        WHERE v."tenantId" = ${tenantId}::uuid
        ORDER BY mv."modelId", v.id DESC
      ) latest WHERE verdict = ${verdict}`;
    return rows.map((r) => r.modelId);
  }
}
