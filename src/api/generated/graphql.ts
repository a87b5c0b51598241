/* Generated from schema.graphql by scripts/generate-graphql-types.ts. Do not edit. */
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ApiKey as ApiKeyModel, Tenant as TenantModel } from '../../db/generated/client.ts';
import type { ViewerParent } from '../resolvers/viewer.ts';
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
};


/** Read operations. */
export type QueryApiKeysArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ApiKeyFilter>;
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

/** Write operations. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Create a tenant and its first TENANT_ADMIN key (platform admins only). */
  createTenant: CreateTenantPayload;
  /** Create an API key with at most the caller's role (admins only). */
  createApiKey: CreateApiKeyPayload;
  /** Revoke an API key at once. Any key may revoke itself; admins may revoke any key of their tenant. */
  revokeApiKey: RevokeApiKeyPayload;
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
  ApiKey: ResolverTypeWrapper<ApiKeyModel>;
  ApiKeyEdge: ResolverTypeWrapper<Omit<ApiKeyEdge, 'node'> & { node: ResolversTypes['ApiKey'] }>;
  ApiKeyConnection: ResolverTypeWrapper<Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversTypes['ApiKeyEdge']> }>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ApiKeyFilter: ApiKeyFilter;
  Viewer: ResolverTypeWrapper<ViewerParent>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: ResolverTypeWrapper<Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversTypes['Tenant']>, adminKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: ResolverTypeWrapper<Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: ResolverTypeWrapper<Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
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
  ApiKey: ApiKeyModel;
  ApiKeyEdge: Omit<ApiKeyEdge, 'node'> & { node: ResolversParentTypes['ApiKey'] };
  ApiKeyConnection: Omit<ApiKeyConnection, 'edges'> & { edges: Array<ResolversParentTypes['ApiKeyEdge']> };
  Int: Scalars['Int']['output'];
  ApiKeyFilter: ApiKeyFilter;
  Viewer: ViewerParent;
  Query: Record<PropertyKey, never>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversParentTypes['Tenant']>, adminKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
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

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createTenant?: Resolver<ResolversTypes['CreateTenantPayload'], ParentType, ContextType, RequireFields<MutationCreateTenantArgs, 'input'>>;
  createApiKey?: Resolver<ResolversTypes['CreateApiKeyPayload'], ParentType, ContextType, RequireFields<MutationCreateApiKeyArgs, 'input'>>;
  revokeApiKey?: Resolver<ResolversTypes['RevokeApiKeyPayload'], ParentType, ContextType, RequireFields<MutationRevokeApiKeyArgs, 'input'>>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  DateTime?: GraphQLScalarType;
  UserError?: UserErrorResolvers<ContextType>;
  InputError?: InputErrorResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Tenant?: TenantResolvers<ContextType>;
  ApiKey?: ApiKeyResolvers<ContextType>;
  ApiKeyEdge?: ApiKeyEdgeResolvers<ContextType>;
  ApiKeyConnection?: ApiKeyConnectionResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  CreateTenantPayload?: CreateTenantPayloadResolvers<ContextType>;
  CreateApiKeyPayload?: CreateApiKeyPayloadResolvers<ContextType>;
  RevokeApiKeyPayload?: RevokeApiKeyPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
};

