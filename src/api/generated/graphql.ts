/* Generated from schema.graphql by scripts/generate-graphql-types.ts. Do not edit. */
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ApiKey as ApiKeyModel, Tenant as TenantModel, AuditEvent as AuditEventModel } from '../../db/generated/client.ts';
import type { ViewerParent } from '../resolvers/viewer.ts';
import type { KeyringStatus } from '../../vault/vault.ts';
import type { GraphQLContext } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO 8601 string in UTC (2026-11-25T16:30:00.000Z). */
  DateTime: { input: Date; output: Date; }
};

/** What an API key may do. Each role includes the rights of the roles below it. */
export type Role =
  /** Operates the platform: creates tenants. Belongs to no tenant. */
  | 'PLATFORM_ADMIN'
  /** Administers one tenant: manages its API keys and everything else in it. */
  | 'TENANT_ADMIN'
  /** Registers models and runs watermarking and verification jobs in one tenant. */
  | 'OPERATOR'
  /** Reads one tenant's models, watermarks and verification history. */
  | 'VIEWER';

/** A problem with the input of a mutation that the caller can fix. Payloads list them in `userErrors`. */
export type UserError = {
  /** Stable machine-readable code, e.g. ROLE_ESCALATION. */
  code: Scalars['String']['output'];
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
  /** Path of the offending input field, e.g. ["input", "role"]; null when no single field is at fault. */
  field?: Maybe<Array<Scalars['String']['output']>>;
};

/** The user error returned by Fragmark's mutations. */
export type InputError = UserError & {
  __typename?: 'InputError';
  /** Stable machine-readable code, e.g. ROLE_ESCALATION. */
  code: Scalars['String']['output'];
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
  /** Path of the offending input field; null when no single field is at fault. */
  field?: Maybe<Array<Scalars['String']['output']>>;
};

/** Relay pagination information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Whether more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Cursor of the last edge; pass it as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
};

/** A customer organisation. Everything it owns is invisible to other tenants. */
export type Tenant = {
  __typename?: 'Tenant';
  /** Tenant id. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** Unique short name (lowercase letters, digits, hyphens). */
  slug: Scalars['String']['output'];
  /** When the tenant was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When deletion was requested; null for a live tenant. */
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The tenant's key-vault keyring (admins only). */
  keyring: Keyring;
};

/** One version of a keyring's key-encryption key. */
export type KeyVersion = {
  __typename?: 'KeyVersion';
  /** Version number, from 1. */
  version: Scalars['Int']['output'];
  /** When the version was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When the version was retired; null while usable. */
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the key material was destroyed (retirement or tenant deletion); null while it exists. */
  destroyedAt?: Maybe<Scalars['DateTime']['output']>;
};

/**
 * State of a tenant's keyring in the key vault. Secrets are sealed with their own data keys,
 * which are sealed by the keyring's current key version; the versions are sealed by the platform
 * master key. No key material is ever exposed.
 */
export type Keyring = {
  __typename?: 'Keyring';
  /** Version new secrets are sealed under. */
  currentVersion: Scalars['Int']['output'];
  /** Oldest version that still opens secrets. */
  minVersion: Scalars['Int']['output'];
  /** All versions, oldest first. */
  versions: Array<KeyVersion>;
  /** Secrets still sealed under a version older than the current one (see rewrapTenantSecrets). */
  pendingRewrap: Scalars['Int']['output'];
  /** When the keyring will be destroyed (tenant deletion); null when not scheduled. */
  shredAfter?: Maybe<Scalars['DateTime']['output']>;
  /** When the keyring was destroyed; null while it exists. */
  shreddedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A security-relevant act, recorded in the same transaction as the act itself. Never changes. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** Event id. */
  id: Scalars['ID']['output'];
  /** What happened, e.g. vault.seal, vault.rotate, api_key.revoke. */
  action: Scalars['String']['output'];
  /** Vault purpose of the secret involved, e.g. trigger-set. */
  purpose?: Maybe<Scalars['String']['output']>;
  /** Record the event concerns (a secret's record, an API key id). */
  recordId?: Maybe<Scalars['String']['output']>;
  /** Key version involved. */
  keyVersion?: Maybe<Scalars['Int']['output']>;
  /** API key that caused the event; null for the platform itself. */
  actorApiKeyId?: Maybe<Scalars['ID']['output']>;
  /** Non-secret details as a JSON object text. */
  details?: Maybe<Scalars['String']['output']>;
  /** When it happened. */
  createdAt: Scalars['DateTime']['output'];
};

/** An edge in an AuditEventConnection. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: AuditEvent;
};

/** A page of audit events, newest first. */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The events on this page. */
  edges: Array<AuditEventEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of events matching the filter, on all pages. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the auditEvents connection. */
export type AuditEventFilter = {
  /** Only this action, e.g. vault.unseal. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Only this vault purpose. */
  purpose?: InputMaybe<Scalars['String']['input']>;
  /** Only events about this record. */
  recordId?: InputMaybe<Scalars['String']['input']>;
  /** Events at or after this instant. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Events before this instant. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** An API key. The secret itself is shown only once, when the key is created. */
export type ApiKey = {
  __typename?: 'ApiKey';
  /** Key id (not secret). */
  id: Scalars['ID']['output'];
  /** Name given at creation, e.g. "CI pipeline". */
  name: Scalars['String']['output'];
  /** What the key may do. */
  role: Role;
  /** First characters of the secret, enough to recognise the key (e.g. fmk_Ab12Cd). */
  prefix: Scalars['String']['output'];
  /** When the key was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When the key stops working; null for no expiry. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the key was revoked; null while not revoked. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Last time the key authenticated a request (updated at most once a minute). */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Neither revoked nor expired. */
  active: Scalars['Boolean']['output'];
};

/** An edge in an ApiKeyConnection. */
export type ApiKeyEdge = {
  __typename?: 'ApiKeyEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The API key. */
  node: ApiKey;
};

/** A page of API keys, newest first. */
export type ApiKeyConnection = {
  __typename?: 'ApiKeyConnection';
  /** The keys on this page. */
  edges: Array<ApiKeyEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of keys matching the filter, on all pages. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the apiKeys connection. */
export type ApiKeyFilter = {
  /** true: only keys that work now; false: only revoked or expired keys; null: all. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The caller, as identified by its API key. */
export type Viewer = {
  __typename?: 'Viewer';
  /** The key used for this request. */
  apiKey: ApiKey;
  /** The key's role. */
  role: Role;
  /** The key's tenant; null for platform admins. */
  tenant?: Maybe<Tenant>;
};

/** Read operations. */
export type Query = {
  __typename?: 'Query';
  /** Who the API key belongs to: tenant and role. */
  viewer: Viewer;
  /** API keys of the caller's tenant (platform keys for platform admins). Admins only. */
  apiKeys: ApiKeyConnection;
  /** The audit trail of the caller's tenant (the platform's for platform admins). Admins only. */
  auditEvents: AuditEventConnection;
};


/** Read operations. */
export type QueryApiKeysArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ApiKeyFilter>;
};


/** Read operations. */
export type QueryAuditEventsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
};

/** Input of createTenant. */
export type CreateTenantInput = {
  /** Display name, 1 to 200 characters. */
  name: Scalars['String']['input'];
  /** Unique short name; derived from the name when omitted. */
  slug?: InputMaybe<Scalars['String']['input']>;
};

/** Result of createTenant. */
export type CreateTenantPayload = {
  __typename?: 'CreateTenantPayload';
  /** The new tenant. */
  tenant?: Maybe<Tenant>;
  /** The tenant's first TENANT_ADMIN key. */
  adminKey?: Maybe<ApiKey>;
  /** Secret of adminKey. Shown only in this response: store it now. */
  adminKeySecret?: Maybe<Scalars['String']['output']>;
  /** Why the tenant was not created; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of createApiKey. */
export type CreateApiKeyInput = {
  /** Name to recognise the key by, 1 to 100 characters. */
  name: Scalars['String']['input'];
  /** Role of the new key: at most the caller's own role. */
  role: Role;
  /** When the key stops working; omit for no expiry. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Platform admins only: create the key inside this tenant. */
  tenantId?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of createApiKey. */
export type CreateApiKeyPayload = {
  __typename?: 'CreateApiKeyPayload';
  /** The new key. */
  apiKey?: Maybe<ApiKey>;
  /** The key's secret. Shown only in this response: store it now. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Why the key was not created; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of revokeApiKey. */
export type RevokeApiKeyInput = {
  /** Id of the key to revoke. */
  id: Scalars['ID']['input'];
};

/** Result of revokeApiKey. */
export type RevokeApiKeyPayload = {
  __typename?: 'RevokeApiKeyPayload';
  /** The revoked key. */
  apiKey?: Maybe<ApiKey>;
  /** Why the key was not revoked; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of rotateTenantKey. */
export type RotateTenantKeyInput = {
  /** Platform admins only: another tenant (or omit for the caller's; for platform admins, the platform keyring). */
  tenantId?: InputMaybe<Scalars['ID']['input']>;
  /** Rewrap existing secrets under the new version in this request, as far as a bounded number of batches allows. */
  rewrap?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of rotateTenantKey. */
export type RotateTenantKeyPayload = {
  __typename?: 'RotateTenantKeyPayload';
  /** The keyring after rotation. */
  keyring?: Maybe<Keyring>;
  /** Secrets rewrapped in this request. */
  rewrapped?: Maybe<Scalars['Int']['output']>;
  /** Secrets still under older versions; continue with rewrapTenantSecrets until 0. */
  remaining?: Maybe<Scalars['Int']['output']>;
  /** Why the key was not rotated; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of rewrapTenantSecrets. */
export type RewrapTenantSecretsInput = {
  /** Platform admins only: another tenant. */
  tenantId?: InputMaybe<Scalars['ID']['input']>;
  /** Secrets to rewrap in this call, 1 to 5000. */
  batchSize?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of rewrapTenantSecrets. */
export type RewrapTenantSecretsPayload = {
  __typename?: 'RewrapTenantSecretsPayload';
  /** The keyring after this batch. */
  keyring?: Maybe<Keyring>;
  /** Secrets rewrapped by this call. */
  rewrapped?: Maybe<Scalars['Int']['output']>;
  /** Secrets still under older versions. */
  remaining?: Maybe<Scalars['Int']['output']>;
  /** Why nothing was rewrapped; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of retireTenantKeyVersions. */
export type RetireTenantKeyVersionsInput = {
  /** Platform admins only: another tenant. */
  tenantId?: InputMaybe<Scalars['ID']['input']>;
  /** Versions below this are retired and their key material destroyed. */
  minVersion: Scalars['Int']['input'];
  /** Retire even though secrets are still sealed under those versions (they become unrecoverable). */
  force?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of retireTenantKeyVersions. */
export type RetireTenantKeyVersionsPayload = {
  __typename?: 'RetireTenantKeyVersionsPayload';
  /** The keyring after retirement. */
  keyring?: Maybe<Keyring>;
  /** Why nothing was retired; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of deleteTenant. */
export type DeleteTenantInput = {
  /** Tenant to delete: the caller's own (tenant admins) or any (platform admins). */
  id: Scalars['ID']['input'];
  /** Days before the tenant's keys are destroyed, 0 to 30. Access ends immediately either way. */
  gracePeriodDays?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of deleteTenant. */
export type DeleteTenantPayload = {
  __typename?: 'DeleteTenantPayload';
  /** The deleted tenant. */
  tenant?: Maybe<Tenant>;
  /** When its keys are (or were) destroyed, after which none of its secrets can be opened. */
  shredAfter?: Maybe<Scalars['DateTime']['output']>;
  /** Why the tenant was not deleted; empty on success. */
  userErrors: Array<UserError>;
};

/** Write operations. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Create a tenant and its first TENANT_ADMIN key (platform admins only). */
  createTenant: CreateTenantPayload;
  /** Create an API key with at most the caller's role (admins only). */
  createApiKey: CreateApiKeyPayload;
  /** Revoke an API key at once. Any key may revoke itself; admins may revoke any key of their tenant. */
  revokeApiKey: RevokeApiKeyPayload;
  /** Start a new key version for the tenant's keyring; new secrets use it at once. Admins only. */
  rotateTenantKey: RotateTenantKeyPayload;
  /** Move up to batchSize secrets onto the current key version without decrypting them. Resumable: call until remaining is 0. */
  rewrapTenantSecrets: RewrapTenantSecretsPayload;
  /** Retire old key versions: secrets sealed under them stop opening and their keys are destroyed. */
  retireTenantKeyVersions: RetireTenantKeyVersionsPayload;
  /** Delete a tenant: access ends now; after the grace period its keys are destroyed (crypto-shredding). */
  deleteTenant: DeleteTenantPayload;
};


/** Write operations. */
export type MutationCreateTenantArgs = {
  input: CreateTenantInput;
};


/** Write operations. */
export type MutationCreateApiKeyArgs = {
  input: CreateApiKeyInput;
};


/** Write operations. */
export type MutationRevokeApiKeyArgs = {
  input: RevokeApiKeyInput;
};


/** Write operations. */
export type MutationRotateTenantKeyArgs = {
  input: RotateTenantKeyInput;
};


/** Write operations. */
export type MutationRewrapTenantSecretsArgs = {
  input: RewrapTenantSecretsInput;
};


/** Write operations. */
export type MutationRetireTenantKeyVersionsArgs = {
  input: RetireTenantKeyVersionsInput;
};


/** Write operations. */
export type MutationDeleteTenantArgs = {
  input: DeleteTenantInput;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;




/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  UserError: ( InputError & { __typename: 'InputError' } );
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Role: Role;
  UserError: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['UserError']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  InputError: ResolverTypeWrapper<InputError>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Tenant: ResolverTypeWrapper<TenantModel>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  KeyVersion: ResolverTypeWrapper<KeyVersion>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Keyring: ResolverTypeWrapper<KeyringStatus>;
  AuditEvent: ResolverTypeWrapper<AuditEventModel>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  AuditEventFilter: AuditEventFilter;
  ApiKey: ResolverTypeWrapper<ApiKeyModel>;
  ApiKeyEdge: ResolverTypeWrapper<Omit<ApiKeyEdge, 'node'> & { node: ResolversTypes['ApiKey'] }>;
  ApiKeyConnection: ResolverTypeWrapper<Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversTypes['ApiKeyEdge']> }>;
  ApiKeyFilter: ApiKeyFilter;
  Viewer: ResolverTypeWrapper<ViewerParent>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: ResolverTypeWrapper<Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversTypes['Tenant']>, adminKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: ResolverTypeWrapper<Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: ResolverTypeWrapper<Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RotateTenantKeyInput: RotateTenantKeyInput;
  RotateTenantKeyPayload: ResolverTypeWrapper<Omit<RotateTenantKeyPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RewrapTenantSecretsInput: RewrapTenantSecretsInput;
  RewrapTenantSecretsPayload: ResolverTypeWrapper<Omit<RewrapTenantSecretsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RetireTenantKeyVersionsInput: RetireTenantKeyVersionsInput;
  RetireTenantKeyVersionsPayload: ResolverTypeWrapper<Omit<RetireTenantKeyVersionsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, userErrors: Array<ResolversTypes['UserError']> }>;
  DeleteTenantInput: DeleteTenantInput;
  DeleteTenantPayload: ResolverTypeWrapper<Omit<DeleteTenantPayload, 'tenant' | 'userErrors'> & { tenant?: Maybe<ResolversTypes['Tenant']>, userErrors: Array<ResolversTypes['UserError']> }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  DateTime: Scalars['DateTime']['output'];
  UserError: ResolversInterfaceTypes<ResolversParentTypes>['UserError'];
  String: Scalars['String']['output'];
  InputError: InputError;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Tenant: TenantModel;
  ID: Scalars['ID']['output'];
  KeyVersion: KeyVersion;
  Int: Scalars['Int']['output'];
  Keyring: KeyringStatus;
  AuditEvent: AuditEventModel;
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  AuditEventFilter: AuditEventFilter;
  ApiKey: ApiKeyModel;
  ApiKeyEdge: Omit<ApiKeyEdge, 'node'> & { node: ResolversParentTypes['ApiKey'] };
  ApiKeyConnection: Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversParentTypes['ApiKeyEdge']> };
  ApiKeyFilter: ApiKeyFilter;
  Viewer: ViewerParent;
  Query: Record<PropertyKey, never>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversParentTypes['Tenant']>, adminKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RotateTenantKeyInput: RotateTenantKeyInput;
  RotateTenantKeyPayload: Omit<RotateTenantKeyPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RewrapTenantSecretsInput: RewrapTenantSecretsInput;
  RewrapTenantSecretsPayload: Omit<RewrapTenantSecretsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RetireTenantKeyVersionsInput: RetireTenantKeyVersionsInput;
  RetireTenantKeyVersionsPayload: Omit<RetireTenantKeyVersionsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, userErrors: Array<ResolversParentTypes['UserError']> };
  DeleteTenantInput: DeleteTenantInput;
  DeleteTenantPayload: Omit<DeleteTenantPayload, 'tenant' | 'userErrors'> & { tenant?: Maybe<ResolversParentTypes['Tenant']>, userErrors: Array<ResolversParentTypes['UserError']> };
  Mutation: Record<PropertyKey, never>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type UserErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = {
  __resolveType: TypeResolveFn<'InputError', ParentType, ContextType>;
};

export type InputErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['InputError'] = ResolversParentTypes['InputError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type TenantResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Tenant'] = ResolversParentTypes['Tenant']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deletedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  keyring?: Resolver<ResolversTypes['Keyring'], ParentType, ContextType>;
};

export type KeyVersionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['KeyVersion'] = ResolversParentTypes['KeyVersion']> = {
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  retiredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  destroyedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type KeyringResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Keyring'] = ResolversParentTypes['Keyring']> = {
  currentVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  minVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['KeyVersion']>, ParentType, ContextType>;
  pendingRewrap?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  shredAfter?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  shreddedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type AuditEventResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  purpose?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  recordId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  keyVersion?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  actorApiKeyId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  details?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type AuditEventEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
};

export type AuditEventConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ApiKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  prefix?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ApiKeyEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiKeyEdge'] = ResolversParentTypes['ApiKeyEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
};

export type ApiKeyConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiKeyConnection'] = ResolversParentTypes['ApiKeyConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ApiKeyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  apiKey?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  tenant?: Resolver<Maybe<ResolversTypes['Tenant']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
  apiKeys?: Resolver<ResolversTypes['ApiKeyConnection'], ParentType, ContextType, Partial<QueryApiKeysArgs>>;
  auditEvents?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, Partial<QueryAuditEventsArgs>>;
};

export type CreateTenantPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateTenantPayload'] = ResolversParentTypes['CreateTenantPayload']> = {
  tenant?: Resolver<Maybe<ResolversTypes['Tenant']>, ParentType, ContextType>;
  adminKey?: Resolver<Maybe<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  adminKeySecret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type CreateApiKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateApiKeyPayload'] = ResolversParentTypes['CreateApiKeyPayload']> = {
  apiKey?: Resolver<Maybe<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  secret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RevokeApiKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokeApiKeyPayload'] = ResolversParentTypes['RevokeApiKeyPayload']> = {
  apiKey?: Resolver<Maybe<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RotateTenantKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RotateTenantKeyPayload'] = ResolversParentTypes['RotateTenantKeyPayload']> = {
  keyring?: Resolver<Maybe<ResolversTypes['Keyring']>, ParentType, ContextType>;
  rewrapped?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  remaining?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RewrapTenantSecretsPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RewrapTenantSecretsPayload'] = ResolversParentTypes['RewrapTenantSecretsPayload']> = {
  keyring?: Resolver<Maybe<ResolversTypes['Keyring']>, ParentType, ContextType>;
  rewrapped?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  remaining?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RetireTenantKeyVersionsPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RetireTenantKeyVersionsPayload'] = ResolversParentTypes['RetireTenantKeyVersionsPayload']> = {
  keyring?: Resolver<Maybe<ResolversTypes['Keyring']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type DeleteTenantPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeleteTenantPayload'] = ResolversParentTypes['DeleteTenantPayload']> = {
  tenant?: Resolver<Maybe<ResolversTypes['Tenant']>, ParentType, ContextType>;
  shredAfter?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createTenant?: Resolver<ResolversTypes['CreateTenantPayload'], ParentType, ContextType, RequireFields<MutationCreateTenantArgs, 'input'>>;
  createApiKey?: Resolver<ResolversTypes['CreateApiKeyPayload'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'input'>>;
  revokeApiKey?: Resolver<ResolversTypes['RevokeApiKeyPayload'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'input'>>;
  rotateTenantKey?: Resolver<ResolversTypes['RotateTenantKeyPayload'], ParentType, ContextType, RequireFields<MutationRotateTenantKeyArgs, 'input'>>;
  rewrapTenantSecrets?: Resolver<ResolversTypes['RewrapTenantSecretsPayload'], ParentType, ContextType, RequireFields<MutationRewrapTenantSecretsArgs, 'input'>>;
  retireTenantKeyVersions?: Resolver<ResolversTypes['RetireTenantKeyVersionsPayload'], ParentType, ContextType, RequireFields<MutationRetireTenantKeyVersionsArgs, 'input'>>;
  deleteTenant?: Resolver<ResolversTypes['DeleteTenantPayload'], ParentType, ContextType, RequireFields<MutationDeleteTenantArgs, 'input'>>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  DateTime?: GraphQLScalarType;
  UserError?: UserErrorResolvers<ContextType>;
  InputError?: InputErrorResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Tenant?: TenantResolvers<ContextType>;
  KeyVersion?: KeyVersionResolvers<ContextType>;
  Keyring?: KeyringResolvers<ContextType>;
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  ApiKey?: ApiKeyResolvers<ContextType>;
  ApiKeyEdge?: ApiKeyEdgeResolvers<ContextType>;
  ApiKeyConnection?: ApiKeyConnectionResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  CreateTenantPayload?: CreateTenantPayloadResolvers<ContextType>;
  CreateApiKeyPayload?: CreateApiKeyPayloadResolvers<ContextType>;
  RevokeApiKeyPayload?: RevokeApiKeyPayloadResolvers<ContextType>;
  RotateTenantKeyPayload?: RotateTenantKeyPayloadResolvers<ContextType>;
  RewrapTenantSecretsPayload?: RewrapTenantSecretsPayloadResolvers<ContextType>;
  RetireTenantKeyVersionsPayload?: RetireTenantKeyVersionsPayloadResolvers<ContextType>;
  DeleteTenantPayload?: DeleteTenantPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
};

