/**
 * Registered endpoints: the deployments of a model version that a tenant admin vouches for.
 * Registering, changing or removing one needs TENANT_ADMIN and is audited, because an attestation
 * of an ENDPOINT verification says `endpoint.registered: true` only for these: an operator who
 * points a verification at any other URL (a pristine copy on a laptop, say) gets a token that says
 * `registered: false`, so an auditor can tell the two apart.
 *
 * `resolveEndpoint` is the one place that turns a verification's or enrollment's request
 * (an `endpointId`, an ad-hoc `endpoint`, or neither) into the deployment to query.
 */
import type { Transaction } from '../db/client.ts';
import type { EndpointEnrollment, Model, ModelVersion, RegisteredEndpoint, Verification } from '../db/generated/client.ts';
import type { TenantDatabase } from '../db/tenant-scope.ts';
import type { Actor } from '../auth/actor.ts';
import { requireTenantRole } from '../auth/require-role.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Vault } from '../vault/vault.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { versionInputDomain } from './input-domain.ts';
import { DEFAULT_ENDPOINT_NAME, validateEndpoint, type EndpointInput } from './endpoint-spec.ts';
import { RegistryError } from './registry.errors.ts';
import {
  activeEndpoints,
  createEndpoint,
  credentialSealed,
  endpointById,
  lockVersionEndpoints,
  MAX_ENDPOINTS_PER_VERSION,
  removeEndpoint,
  repointEndpoint,
  type EndpointColumns,
  type EndpointsRepository,
} from './endpoints.repository.ts';

const ENDPOINT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Re-exported where it was defined before the repository (bench/monitoring.ts imports it from here). */
export { MAX_ENDPOINTS_PER_VERSION };

export interface RegisterEndpointInput {
  modelVersionId: string;
  /** Default "default". */
  name?: string | null;
  endpoint: EndpointInput;
}

/** What a verification or enrollment queries, with where its credential is sealed. */
export interface ResolvedEndpoint {
  /** The registered endpoint; null for an ad-hoc URL. */
  registered: RegisteredEndpoint | null;
  url: string;
  protocol: RegisteredEndpoint['protocol'];
  modelName: string;
  inputFormat: RegisteredEndpoint['inputFormat'];
  /** Ad-hoc only: the credential the caller passed, to seal with the verification or enrollment. */
  adHocCredential: string | null;
}

export class EndpointsService {
  /** `endpoints`: the caller's tenant's repository; null without a caller (every method refuses first). */
  constructor(
    private readonly endpoints: EndpointsRepository | null,
    private readonly vault: Vault,
    private readonly actor: Actor | null,
    private readonly egress: EgressPolicy,
  ) {}

  async register(input: RegisterEndpointInput): Promise<RegisteredEndpoint> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Endpoints');
    const name = endpointName(input.name);
    const version = await this.version(input.modelVersionId);
    const endpoint = validateEndpoint(input.endpoint, versionInputDomain(version), this.egress);
    return this.endpoints!.transaction(async (tx) => {
      // Serialises registrations of one version, so the count below holds until the commit.
      const { active, nameTaken: taken } = await lockVersionEndpoints(tx, version.id, name);
      if (active >= MAX_ENDPOINTS_PER_VERSION) {
        throw new RegistryError('INVALID_MODEL_INPUT', `A version has at most ${MAX_ENDPOINTS_PER_VERSION} registered endpoints; remove one first.`, ['input', 'modelVersionId']);
      }
      if (taken) throw nameTaken(name);
      return recordEndpoint(tx, this.vault, actor, { id: version.id, tenantId: actor.tenantId, modelName: version.model.name }, name, endpoint);
    });
  }

  /**
   * Replaces where an endpoint points. The whole endpoint is given again: a credential left out
   * is dropped, never carried over to what may be a different host.
   */
  async update(id: string, input: EndpointInput): Promise<RegisteredEndpoint> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Endpoints');
    const current = await this.active(id);
    const version = await this.version(current.modelVersionId);
    const endpoint = validateEndpoint(input, versionInputDomain(version), this.egress);
    return this.endpoints!.transaction(async (tx) => {
      const updated = await repointEndpoint(tx, current.id, endpointColumns(endpoint, version.model.name));
      const result = endpoint.credential ? await sealCredential(tx, this.vault, actor, updated, endpoint.credential) : updated;
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'endpoint.update', recordId: current.id, details: { host: new URL(endpoint.url).host } });
      return result;
    });
  }

  /** No longer offered for verification; kept (and still named) for the verifications that used it. */
  async remove(id: string): Promise<RegisteredEndpoint> {
    const actor = requireTenantRole(this.actor, 'TENANT_ADMIN', 'Endpoints');
    const current = await this.active(id);
    return this.endpoints!.transaction(async (tx) => {
      const removed = await removeEndpoint(tx, current.id, new Date());
      await recordAudit(tx, { tenantId: actor.tenantId, actorApiKeyId: actor.apiKeyId, action: 'endpoint.remove', recordId: current.id });
      return removed;
    });
  }

  async get(id: string): Promise<RegisteredEndpoint | null> {
    requireTenantRole(this.actor, 'VIEWER', 'Endpoints');
    return this.endpoints!.get(id);
  }

  /** The version's active endpoints, oldest first. */
  async forVersion(modelVersionId: string): Promise<RegisteredEndpoint[]> {
    requireTenantRole(this.actor, 'VIEWER', 'Endpoints');
    return this.endpoints!.active(modelVersionId);
  }

  private async version(id: string): Promise<ModelVersion & { model: Model }> {
    const version = await this.endpoints!.version(id);
    if (!version) throw new RegistryError('MODEL_VERSION_NOT_FOUND', 'No such model version.', ['input', 'modelVersionId']);
    return version;
  }

  private async active(id: string): Promise<RegisteredEndpoint> {
    const endpoint = await this.endpoints!.get(id);
    if (!endpoint || endpoint.removedAt) throw new RegistryError('ENDPOINT_NOT_FOUND', 'No such registered endpoint.', ['input', 'id']);
    return endpoint;
  }
}

/**
 * Records a registered endpoint (already validated) of a version inside the caller's transaction:
 * the row, its credential sealed under the endpoint's id, and the audit event. createModelVersion
 * and registerEndpoint both register through here.
 */
export async function recordEndpoint(
  tx: Transaction,
  vault: Vault,
  actor: Actor,
  version: { id: string; tenantId: string; modelName: string },
  name: string,
  endpoint: EndpointInput,
): Promise<RegisteredEndpoint> {
  const created = await createEndpoint(tx, { tenantId: version.tenantId, modelVersionId: version.id, name, ...endpointColumns(endpoint, version.modelName) });
  const registered = endpoint.credential ? await sealCredential(tx, vault, actor, created, endpoint.credential) : created;
  await recordAudit(tx, { tenantId: version.tenantId, actorApiKeyId: actor.apiKeyId, action: 'endpoint.register', recordId: registered.id, details: { modelVersionId: version.id, name, host: new URL(endpoint.url).host } });
  return registered;
}

/** Seals an endpoint's credential under the endpoint's own id and records where it is. */
async function sealCredential(tx: Transaction, vault: Vault, actor: Actor, endpoint: RegisteredEndpoint, credential: string): Promise<RegisteredEndpoint> {
  await vault.seal({ tenantId: endpoint.tenantId, purpose: 'endpoint-credential', recordId: endpoint.id }, new TextEncoder().encode(credential), { apiKeyId: actor.apiKeyId }, tx);
  return credentialSealed(tx, endpoint.id);
}

/** Where a validated endpoint points, as stored: the model name defaults to the registry model's. */
function endpointColumns(endpoint: EndpointInput, defaultModelName: string): EndpointColumns {
  return { url: endpoint.url, protocol: endpoint.protocol, modelName: endpoint.modelName?.trim() || defaultModelName, inputFormat: endpoint.inputFormat ?? 'FLOAT32' };
}

/** The endpoint used when none is named: the only active one, else the one named "default". */
export function defaultEndpoint(active: readonly RegisteredEndpoint[]): RegisteredEndpoint | null {
  return active.length === 1 ? active[0]! : (active.find((e) => e.name === DEFAULT_ENDPOINT_NAME) ?? null);
}

/**
 * The deployment a verification or enrollment of `version` queries: the registered endpoint
 * `endpointId`; else the ad-hoc `endpoint` (an operator's URL, attested as not registered); else
 * the version's only registered endpoint, or the one named "default" among several.
 */
export async function resolveEndpoint(
  scoped: TenantDatabase,
  version: ModelVersion & { model: Model },
  request: { endpointId?: string | null; endpoint?: EndpointInput | null },
  egress: EgressPolicy,
): Promise<ResolvedEndpoint> {
  if (request.endpointId && request.endpoint) {
    throw new RegistryError('INVALID_MODEL_INPUT', 'Pass endpointId (a registered endpoint) or endpoint (an ad-hoc URL), not both.', ['input', 'endpoint']);
  }
  if (request.endpoint) {
    const adHoc = validateEndpoint(request.endpoint, versionInputDomain(version), egress);
    return { registered: null, ...endpointColumns(adHoc, version.model.name), adHocCredential: adHoc.credential || null };
  }
  let registered: RegisteredEndpoint | null;
  if (request.endpointId) {
    registered = await endpointById(scoped, request.endpointId);
    if (!registered || registered.removedAt || registered.modelVersionId !== version.id) {
      throw new RegistryError('ENDPOINT_NOT_FOUND', 'No such registered endpoint of this version.', ['input', 'endpointId']);
    }
  } else {
    const active = await activeEndpoints(scoped, version.id);
    registered = defaultEndpoint(active);
    if (!registered && active.length > 1) {
      throw new RegistryError(
        'ENDPOINT_AMBIGUOUS',
        `This version has ${active.length} registered endpoints (${active.map((e) => e.name).join(', ')}) and none is named "${DEFAULT_ENDPOINT_NAME}": pass endpointId.`,
        ['input', 'endpointId'],
      );
    }
    if (!registered) throw new NoRegisteredEndpoint();
  }
  const { url, protocol, modelName, inputFormat } = registered;
  return { registered, url, protocol, modelName, inputFormat, adHocCredential: null };
}

/** The version has no registered endpoint and none was given (callers word the error for their input). */
export class NoRegisteredEndpoint extends Error {
  constructor() {
    super('This version has no registered endpoint.');
    this.name = 'NoRegisteredEndpoint';
  }
}

function endpointName(value: string | null | undefined): string {
  const name = (value ?? DEFAULT_ENDPOINT_NAME).trim();
  if (!ENDPOINT_NAME.test(name)) {
    throw new RegistryError('INVALID_MODEL_INPUT', 'name must be 1 to 63 lowercase letters, digits, dots, underscores or hyphens, starting with a letter or digit.', ['input', 'name']);
  }
  return name;
}

function nameTaken(name: string): RegistryError {
  return new RegistryError('ENDPOINT_NAME_TAKEN', `This version already has an endpoint named "${name}".`, ['input', 'name']);
}

/**
 * The URL as an attestation shows it: scheme, host, port and path, without user info, query or
 * fragment (a query may carry routing secrets; registration refuses user info and fragments anyway).
 */
export function attestedUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Where the credential of a queued verification's or enrollment's endpoint is sealed: its own
 * record for an ad-hoc credential, else its registered endpoint's. A registered endpoint changed
 * or removed after the request was queued is refused (ENDPOINT_NOT_FOUND, an ERROR verdict):
 * its credential may now belong to another host, and the request asked for what it was then.
 */
export function credentialRecordOf(request: {
  id: string;
  hasEndpointCredential: boolean;
  endpointUrl: string | null;
  endpointProtocol: RegisteredEndpoint['protocol'] | null;
  endpointModelName: string | null;
  endpointInputFormat: RegisteredEndpoint['inputFormat'] | null;
  endpoint: RegisteredEndpoint | null;
}): string | null {
  if (request.hasEndpointCredential) return request.id;
  const registered = request.endpoint;
  if (!registered) return null;
  const unchanged =
    registered.removedAt === null &&
    registered.url === request.endpointUrl &&
    registered.protocol === request.endpointProtocol &&
    registered.modelName === request.endpointModelName &&
    registered.inputFormat === (request.endpointInputFormat ?? 'FLOAT32');
  if (!unchanged) {
    throw new RegistryError('ENDPOINT_NOT_FOUND', `The registered endpoint "${registered.name}" was changed or removed after this was requested; request it again.`);
  }
  return registered.credentialRecordId;
}

/** An endpoint as the API shows it: never its credential, only whether one is stored. */
export interface EndpointView {
  id: string | null;
  registered: boolean;
  name: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
  removedAt: Date | null;
  url: string;
  protocol: RegisteredEndpoint['protocol'];
  modelName: string;
  hasCredential: boolean;
  inputFormat: RegisteredEndpoint['inputFormat'];
}

/** A registered endpoint as the API shows it (never its credential). */
export function registeredEndpointView(e: RegisteredEndpoint): EndpointView {
  return {
    id: e.id,
    registered: true,
    name: e.name,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    removedAt: e.removedAt,
    url: e.url,
    protocol: e.protocol,
    modelName: e.modelName,
    hasCredential: e.credentialRecordId !== null,
    inputFormat: e.inputFormat,
  };
}

/**
 * What a verification or enrollment queried: the address recorded when it was requested (a
 * registered endpoint may have changed since), named by its registered endpoint when it had one.
 */
export function queriedEndpointView(
  request: Pick<Verification | EndpointEnrollment, 'endpointUrl' | 'endpointProtocol' | 'endpointModelName' | 'endpointInputFormat' | 'hasEndpointCredential'>,
  registered: RegisteredEndpoint | null,
): EndpointView | null {
  if (!request.endpointUrl || !request.endpointProtocol) return null;
  return {
    id: registered?.id ?? null,
    registered: registered !== null,
    name: registered?.name ?? null,
    createdAt: registered?.createdAt ?? null,
    updatedAt: registered?.updatedAt ?? null,
    removedAt: registered?.removedAt ?? null,
    url: request.endpointUrl,
    protocol: request.endpointProtocol,
    modelName: request.endpointModelName ?? '',
    hasCredential: request.hasEndpointCredential || (registered?.credentialRecordId ?? null) !== null,
    inputFormat: request.endpointInputFormat ?? 'FLOAT32',
  };
}

