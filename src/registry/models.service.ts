/**
 * The model fleet registry: models (unique name per tenant, description, tags), their immutable
 * versions (artifact, digest, optional inference endpoint whose credential is sealed in the
 * vault) and movable aliases such as "production".
 */
import type { Transaction } from '../db/client.ts';
import type { Model, ModelAlias, ModelVersion } from '../db/generated/client.ts';
import { domainColumns, parseInputDomain, type InputDomainInput } from './input-domain.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { isAtLeast } from '../auth/roles.ts';
import { AuthError } from '../auth/auth.errors.ts';
import { pageSize, type Page, type PageRequest } from '../common/pagination.ts';
import DataLoader from 'dataloader';
import type { Vault } from '../vault/vault.ts';
import type { ValidatedArtifact } from './artifacts/model-validation.ts';
import { RegistryError } from './registry.errors.ts';
import { DEFAULT_ENDPOINT_NAME, validateEndpoint, type EndpointInput } from './endpoint-spec.ts';
import { recordEndpoint } from './endpoints.service.ts';
import type { ModelFilter, ModelsRepository } from './models.repository.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';

export type { ModelFilter } from './models.repository.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/;
const TAG = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,39}$/;
/** Recording an upload moves its files into the store inside the transaction (a rehash of each blob already stored). */
export const RECORDING_TIMEOUT_MS = 60_000;

export interface RegisterModelInput {
  name: string;
  description?: string | null;
  tags?: string[] | null;
}


export interface CreateVersionInput {
  modelId: string;
  label: string;
  endpoint?: EndpointInput | null;
  /** Values the deployment accepts; default [0, 1] FLOAT32. */
  inputDomain?: InputDomainInput | null;
}

export class ModelsService {
  /**
   * First pages of versions for many models in two queries (a page of models listing their
   * versions would otherwise cost two queries per model). Key: "<modelId>:<first>".
   */
  private readonly firstVersionPages = new DataLoader<string, Page<ModelVersion>>(async (keys) => {
    const requests = keys.map((k) => ({ modelId: k.split(':')[0]!, first: Number(k.split(':')[1]) }));
    const modelIds = [...new Set(requests.map((r) => r.modelId))];
    const largest = Math.max(...requests.map((r) => r.first));
    const newest = await this.models!.newestVersions(this.actor!.tenantId!, modelIds, largest + 1);
    return requests.map(({ modelId, first }) => {
      const { versions, total } = newest.get(modelId)!;
      return { items: versions.slice(0, first), hasNextPage: versions.length > first, totalCount: total };
    });
  });

  /** `models`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly models: ModelsRepository | null,
    private readonly vault: Vault,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
  ) {}

  async register(input: RegisterModelInput): Promise<Model> {
    const actor = this.requireRole('OPERATOR');
    const name = input.name.trim();
    if (!NAME.test(name)) {
      throw new RegistryError('INVALID_MODEL_INPUT', 'name must be 1 to 100 letters, digits, spaces, dots, underscores or hyphens.', ['input', 'name']);
    }
    const tags = [...new Set((input.tags ?? []).map((t) => t.trim().toLowerCase()))];
    if (tags.length > 20 || tags.some((t) => !TAG.test(t))) {
      throw new RegistryError('INVALID_MODEL_INPUT', 'Up to 20 tags of 1 to 40 lowercase letters, digits, dots, underscores or hyphens.', ['input', 'tags']);
    }
    const description = input.description?.trim() || null;
    if (description && description.length > 2000) throw new RegistryError('INVALID_MODEL_INPUT', 'description is limited to 2000 characters.', ['input', 'description']);
    try {
      return await this.models!.createModel(actor.tenantId!, { name, description, tags });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new RegistryError('MODEL_NAME_TAKEN', `A model named "${name}" already exists.`, ['input', 'name']);
      throw error;
    }
  }

  /**
   * A new version awaiting its artifact. With `endpoint`, its deployment is registered too (as the
   * endpoint named "default"): registering endpoints is a TENANT_ADMIN's act (endpoints.service.ts).
   */
  async createVersion(input: CreateVersionInput): Promise<ModelVersion> {
    const actor = this.requireRole('OPERATOR');
    if (input.endpoint && !isAtLeast(actor.role, 'TENANT_ADMIN')) {
      throw new AuthError('FORBIDDEN', 'Registering an endpoint needs a TENANT_ADMIN key: create the version without it and have a tenant admin call registerEndpoint (operators may still verify ad-hoc URLs, attested as not registered).');
    }
    const model = await this.get(input.modelId);
    if (!model) throw new RegistryError('MODEL_NOT_FOUND', 'No such model.', ['input', 'modelId']);
    const label = input.label.trim();
    if (!LABEL.test(label)) {
      throw new RegistryError('INVALID_MODEL_INPUT', 'label must be 1 to 64 letters, digits, dots, underscores, plus signs or hyphens.', ['input', 'label']);
    }
    const domain = parseInputDomain(input.inputDomain);
    const endpoint = input.endpoint ? validateEndpoint(input.endpoint, domain, this.egress) : null;
    try {
      return await this.models!.transaction(async (tx) => {
        const version = await this.models!.createVersion(tx, { tenantId: model.tenantId, modelId: model.id, label, ...domainColumns(domain) });
        if (endpoint) await recordEndpoint(tx, this.vault, actor, { id: version.id, tenantId: model.tenantId, modelName: model.name }, DEFAULT_ENDPOINT_NAME, endpoint);
        return version;
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') {
        throw new RegistryError('VERSION_LABEL_TAKEN', `Model "${model.name}" already has a version "${label}".`, ['input', 'label']);
      }
      throw error;
    }
  }

  /**
   * Records a validated artifact on a version awaiting it; versions are immutable afterwards.
   * `beforeCommit` runs last inside the recording transaction (the upload route checks the
   * storage quota and moves the files into the store there): when it throws, nothing is recorded.
   */
  async attachArtifact(versionId: string, artifact: ValidatedArtifact, beforeCommit: (tx: Transaction) => Promise<void> = async () => {}): Promise<ModelVersion> {
    this.requireRole('OPERATOR');
    const version = await this.getVersion(versionId);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.');
    const recorded = await this.models!.recordArtifact(version.id, artifact, new Date(), beforeCommit, RECORDING_TIMEOUT_MS);
    if (!recorded) throw new RegistryError('VERSION_IMMUTABLE', 'This version already has its artifact; versions are immutable: create a new version.');
    return (await this.getVersion(version.id))!;
  }

  /** Artifact bytes the caller's tenant keeps (versions and candidates), as the storage quota counts them. */
  async storedArtifactBytes(): Promise<number> {
    const actor = this.requireRole('VIEWER');
    return this.models!.storedArtifactBytes(actor.tenantId!);
  }

  /** Points `alias` (e.g. "production") at a version of the same model, moving it if it exists. */
  async setAlias(modelId: string, alias: string, versionId: string): Promise<ModelAlias> {
    this.requireRole('OPERATOR');
    const version = await this.getVersion(versionId);
    if (!version || version.modelId !== modelId) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such version of this model.', ['input', 'versionId']);
    if (!ALIAS.test(alias)) throw new RegistryError('INVALID_MODEL_INPUT', 'alias must be 1 to 40 lowercase letters, digits, _ or -, starting with a letter.', ['input', 'alias']);
    return this.models!.setAlias(version.tenantId, modelId, alias, versionId);
  }

  async get(id: string): Promise<Model | null> {
    this.requireRole('VIEWER');
    return this.models!.get(id);
  }

  async getVersion(id: string): Promise<ModelVersion | null> {
    this.requireRole('VIEWER');
    return this.models!.version(id);
  }

  async list(page: PageRequest, filter: ModelFilter = {}): Promise<Page<Model>> {
    const actor = this.requireRole('VIEWER');
    return this.models!.list(actor.tenantId!, page, filter);
  }

  async versions(modelId: string, page: PageRequest): Promise<Page<ModelVersion>> {
    this.requireRole('VIEWER');
    if (!page.after) return this.firstVersionPages.load(`${modelId}:${pageSize(page.first)}`);
    return this.models!.versions(modelId, page);
  }

  async aliases(modelId: string): Promise<ModelAlias[]> {
    this.requireRole('VIEWER');
    return this.models!.aliases(modelId);
  }

  async aliasesOfVersion(versionId: string): Promise<string[]> {
    this.requireRole('VIEWER');
    return (await this.models!.aliasesOfVersion(versionId)).map((a) => a.name);
  }

  private requireRole(role: 'VIEWER' | 'OPERATOR'): Actor {
    return requireTenantRole(this.actor, role, 'Models');
  }
}

