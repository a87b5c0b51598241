/* Generated from schema.graphql by scripts/generate-graphql-types.ts. Do not edit. */
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ApiKey as ApiKeyModel, Tenant as TenantModel, AuditEvent as AuditEventModel, Model as ModelModel, ModelVersion as ModelVersionModel, ModelAlias as ModelAliasModel, Job as JobModel, Watermark as WatermarkModel, Verification as VerificationModel, Attestation as AttestationModel, Challenge as ChallengeModel, EndpointEnrollment as EndpointEnrollmentModel, ModelSigningKey as ModelSigningKeyModel, WebhookSubscription as WebhookSubscriptionModel, WebhookAttempt as WebhookAttemptModel, Monitor as MonitorModel, IntegrityAlert as IntegrityAlertModel } from '../../db/generated/client.ts';
import type { ViewerParent } from '../resolvers/viewer.ts';
import type { KeyringStatus } from '../../vault/vault.ts';
import type { VerifiedSignature } from '../../registry/model-signing/verified-signature.ts';
import type { DeliveryWithAttempts } from '../../webhooks/webhook-subscriptions.service.ts';
import type { FleetReportRow as FleetReportRowModel } from '../../monitoring/fleet-report.ts';
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

/** Where a model version is deployed, for verification by endpoint. */
export type EndpointProtocol =
  /** TensorFlow Serving REST predict: POST /v1/models/NAME:predict. */
  | 'TF_SERVING_REST'
  /** KServe v2 / Open Inference Protocol: POST /v2/models/NAME/infer. */
  | 'KSERVE_V2';

/** How input values are represented. */
export type InputEncoding =
  /** float32 values anywhere in the range. */
  | 'FLOAT32'
  /** 256 evenly spaced levels of the range (8-bit pixels): level q is min + (max - min) * q / 255. */
  | 'UINT8';

/** The values a model's deployment accepts; every trigger lies inside it. */
export type InputDomain = {
  __typename?: 'InputDomain';
  /** Smallest value; null for versions registered before input domains (unbounded). */
  min?: Maybe<Scalars['Float']['output']>;
  /** Largest value; null for versions registered before input domains (unbounded). */
  max?: Maybe<Scalars['Float']['output']>;
  /** FLOAT32 or UINT8. */
  encoding: InputEncoding;
};

/** The values a model's deployment accepts. */
export type InputDomainInput = {
  /** Smallest value, e.g. 0. */
  min: Scalars['Float']['input'];
  /** Largest value, e.g. 1 (or 255 for raw pixels). */
  max: Scalars['Float']['input'];
  /** FLOAT32 (default) or UINT8 (8-bit levels of the range, what image endpoints take). */
  encoding?: InputMaybe<InputEncoding>;
};

/** The numerics a watermark survives on a benign deployment: each tolerates itself and every more precise one. */
export type ServingProfile =
  /** TF.js float32 exactly (watermarks made before profiles). */
  | 'FP32_EXACT'
  /** float32 or TF32 convolutions and matrix products (the PyTorch default for convolutions on NVIDIA GPUs). */
  | 'TF32'
  /** Also float16 models (the default profile). */
  | 'FP16'
  /** Also bfloat16 models; the largest margins, so the least sensitive to small changes. */
  | 'BF16';

/** Lifecycle of a model version. */
export type ModelVersionStatus =
  /** Created; its artifact has not been uploaded and validated yet. */
  | 'AWAITING_UPLOAD'
  /** Artifact stored and validated; ready for watermarking and verification. */
  | 'READY';

/** A classifier a tenant protects. */
export type Model = {
  __typename?: 'Model';
  /** Model id. */
  id: Scalars['ID']['output'];
  /** Unique name within the tenant. */
  name: Scalars['String']['output'];
  /** Free text. */
  description?: Maybe<Scalars['String']['output']>;
  /** Lowercase labels for filtering. */
  tags: Array<Scalars['String']['output']>;
  /** When the model was registered. */
  createdAt: Scalars['DateTime']['output'];
  /** Versions of the model, newest first. */
  versions: ModelVersionConnection;
  /** Named pointers (e.g. production) to versions. */
  aliases: Array<ModelAlias>;
  /** The newest verification of any version. */
  latestVerification?: Maybe<Verification>;
  /** Verifications of all versions by verdict. */
  verificationCounts: VerdictCounts;
};


/** A classifier a tenant protects. */
export type ModelVersionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

/** A movable name pointing at one version of a model. */
export type ModelAlias = {
  __typename?: 'ModelAlias';
  /** Alias name, e.g. production. */
  name: Scalars['String']['output'];
  /** The version it points at. */
  version: ModelVersion;
  /** When it last moved. */
  updatedAt: Scalars['DateTime']['output'];
};

/**
 * Where a version is served, without its credential (sealed in the vault): a registered endpoint
 * (registered by a tenant admin, audited) or an ad-hoc URL an operator named for one check.
 */
export type Endpoint = {
  __typename?: 'Endpoint';
  /** The registered endpoint's id; null for an ad-hoc URL. */
  id?: Maybe<Scalars['ID']['output']>;
  /** Registered by a tenant admin; false for an ad-hoc URL (attestations say so). */
  registered: Scalars['Boolean']['output'];
  /** The registered endpoint's name, unique among the version's active endpoints; null for an ad-hoc URL. */
  name?: Maybe<Scalars['String']['output']>;
  /** When it was registered; null for an ad-hoc URL. */
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it was last changed; null for an ad-hoc URL. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When a tenant admin removed it (it is no longer offered); null while active. */
  removedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Base URL of the inference server. */
  url: Scalars['String']['output'];
  /** Inference protocol. */
  protocol: EndpointProtocol;
  /** Model name at the endpoint. */
  modelName: Scalars['String']['output'];
  /** Whether a credential is stored for it. */
  hasCredential: Scalars['Boolean']['output'];
  /** How trigger values are sent: FLOAT32 values or UINT8 levels. */
  inputFormat: InputEncoding;
  /** The registered endpoint's monitor; null when it has none (or for an ad-hoc URL). */
  monitor?: Maybe<Monitor>;
};

/** An immutable version of a model. */
export type ModelVersion = {
  __typename?: 'ModelVersion';
  /** Version id. */
  id: Scalars['ID']['output'];
  /** Label unique within the model, e.g. 1.4.0. */
  label: Scalars['String']['output'];
  /** Lifecycle state. */
  status: ModelVersionStatus;
  /** Artifact format the server detected at upload: TFJS_LAYERS, TFJS_GRAPH, ONNX or KERAS. */
  format: Scalars['String']['output'];
  /** Input shape without the batch dimension, in the model's own layout; empty until uploaded. */
  inputShape: Array<Scalars['Int']['output']>;
  /** Layout of the input shape, read from the model: NHWC (TensorFlow, Keras), NCHW (PyTorch via ONNX) or FLAT. Triggers are sent to endpoints in this layout. */
  inputLayout: Scalars['String']['output'];
  /** A binary classifier with one output: SIGMOID or LOGIT, what the one score its endpoint answers is (label 1 when p > 0.5 or z > 0); null for other models. */
  binaryOutput?: Maybe<Scalars['String']['output']>;
  /** Number of output classes; null until uploaded. */
  numClasses?: Maybe<Scalars['Int']['output']>;
  /** SHA-256 of the canonical weights: the model's identity. */
  weightsDigest?: Maybe<Scalars['String']['output']>;
  /** SHA-256 over the stored artifact files. */
  artifactDigest?: Maybe<Scalars['String']['output']>;
  /** Size of the artifact in bytes. */
  artifactBytes?: Maybe<Scalars['Int']['output']>;
  /** When the artifact was uploaded. */
  uploadedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Path (relative to the server) to PUT the artifact to, as multipart/form-data. */
  uploadPath: Scalars['String']['output'];
  /** The endpoint ENDPOINT verifications use by default: the only registered one, or the one named "default"; null when none or ambiguous. */
  endpoint?: Maybe<Endpoint>;
  /** The version's active registered endpoints, oldest first. */
  endpoints: Array<Endpoint>;
  /** Monitors of the version: of its registered endpoints and of its registered artifact, oldest first. */
  monitors: Array<Monitor>;
  /** Values the model accepts; every trigger of its watermarks lies inside. */
  inputDomain: InputDomain;
  /** The OpenSSF model signature verified against this version's files (attachModelSignature); null when none is. */
  signature?: Maybe<ModelSignature>;
  /** When the version was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The model this version belongs to. */
  model: Model;
  /** Aliases currently pointing here. */
  aliases: Array<Scalars['String']['output']>;
  /** Watermarks of this version, newest first. */
  watermarks: WatermarkConnection;
  /** Endpoint enrollments of this version, newest first. */
  enrollments: EndpointEnrollmentConnection;
  /** The newest verification of this version. */
  latestVerification?: Maybe<Verification>;
  /** Verifications of this version by verdict. */
  verificationCounts: VerdictCounts;
};


/** An immutable version of a model. */
export type ModelVersionWatermarksArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/** An immutable version of a model. */
export type ModelVersionEnrollmentsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

/** Signature algorithm of a model signing key. */
export type ModelSigningKeyAlgorithm =
  /** ECDSA on NIST P-256, over SHA-256. */
  | 'ECDSA_P256'
  /** ECDSA on NIST P-384, over SHA-384. */
  | 'ECDSA_P384'
  /** ECDSA on NIST P-521, over SHA-512. */
  | 'ECDSA_P521'
  /** Ed25519 (RFC 8032). */
  | 'ED25519';

/**
 * A public key the tenant trusts to sign its model artifacts with OpenSSF model signing
 * (`model_signing sign key`). Registered and revoked by tenant admins.
 */
export type ModelSigningKey = {
  __typename?: 'ModelSigningKey';
  /** Key id; attestations name it in model.signature.keyId. */
  id: Scalars['ID']['output'];
  /** Name to recognise the key by. */
  name: Scalars['String']['output'];
  /** Signature algorithm. */
  algorithm: ModelSigningKeyAlgorithm;
  /** The public key as PEM (SubjectPublicKeyInfo). */
  publicKeyPem: Scalars['String']['output'];
  /** SHA-256 (hex) of the SubjectPublicKeyInfo DER. */
  publicKeySha256: Scalars['String']['output'];
  /** When it was registered. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was revoked (signatures it verified were withdrawn then); null while trusted. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** An edge in a ModelSigningKeyConnection. */
export type ModelSigningKeyEdge = {
  __typename?: 'ModelSigningKeyEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The key. */
  node: ModelSigningKey;
};

/** A page of model signing keys, newest first. */
export type ModelSigningKeyConnection = {
  __typename?: 'ModelSigningKeyConnection';
  /** Keys on this page. */
  edges: Array<ModelSigningKeyEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of keys matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the modelSigningKeys connection. */
export type ModelSigningKeyFilter = {
  /** true: only keys not revoked; false: only revoked keys. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
};

/** An OpenSSF model signature (OMS v1.0) checked offline against a version's uploaded files. */
export type ModelSignature = {
  __typename?: 'ModelSignature';
  /** Signature format: oms-v1.0. */
  format: Scalars['String']['output'];
  /** The tenant key it verified with. */
  signingKey: ModelSigningKey;
  /** SHA-256 (hex) of that key's SubjectPublicKeyInfo DER. */
  publicKeySha256: Scalars['String']['output'];
  /** When it was verified. */
  verifiedAt: Scalars['DateTime']['output'];
};

/** An edge in a ModelConnection. */
export type ModelEdge = {
  __typename?: 'ModelEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The model. */
  node: Model;
};

/** A page of models, newest first. */
export type ModelConnection = {
  __typename?: 'ModelConnection';
  /** Models on this page. */
  edges: Array<ModelEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of models matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** An edge in a ModelVersionConnection. */
export type ModelVersionEdge = {
  __typename?: 'ModelVersionEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The version. */
  node: ModelVersion;
};

/** A page of model versions, newest first. */
export type ModelVersionConnection = {
  __typename?: 'ModelVersionConnection';
  /** Versions on this page. */
  edges: Array<ModelVersionEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of versions. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the models connection. */
export type ModelFilter = {
  /** Name contains this text (case-insensitive). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Has this tag. */
  tag?: InputMaybe<Scalars['String']['input']>;
  /** Has an alias with this name. */
  alias?: InputMaybe<Scalars['String']['input']>;
  /** Its newest verification (of any version) has this verdict. */
  latestVerdict?: InputMaybe<Verdict>;
};

/** Kind of background job. */
export type JobKind =
  /** Generating a watermark (fragile trigger set). */
  | 'WATERMARK'
  /** Verifying a model against a watermark. */
  | 'VERIFY'
  /** Moving a tenant's secrets onto its current key version after rotateTenantKey. */
  | 'REWRAP'
  /** Enrolling an endpoint: learning which triggers its serving stack answers stably. */
  | 'ENROLL'
  /** Delivering a signed webhook: one attempt (a retry is a new job). */
  | 'WEBHOOK';

/** Status of a background job. */
export type JobStatus =
  /** Waiting for a worker (also between retries). */
  | 'QUEUED'
  /** A worker is running it. */
  | 'RUNNING'
  /** Finished successfully. */
  | 'SUCCEEDED'
  /** Failed after all retries. */
  | 'FAILED'
  /** Cancelled by a user. */
  | 'CANCELLED';

/** A background job run by a worker. */
export type Job = {
  __typename?: 'Job';
  /** Job id. */
  id: Scalars['ID']['output'];
  /** What the job does. */
  kind: JobKind;
  /** Where it stands. */
  status: JobStatus;
  /** Progress of the current attempt, 0 to 1. */
  progress: Scalars['Float']['output'];
  /** Latest human-readable progress message. */
  message?: Maybe<Scalars['String']['output']>;
  /** Error of the latest failed attempt. */
  error?: Maybe<Scalars['String']['output']>;
  /** Attempts started so far. */
  attempts: Scalars['Int']['output'];
  /** Attempts handed back to the queue because their worker shut down (not failures). */
  handovers: Scalars['Int']['output'];
  /** When the job was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When a worker first started it. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it ended. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The watermark this job generates (WATERMARK jobs). */
  watermark?: Maybe<Watermark>;
  /** The verification this job runs (VERIFY jobs). */
  verification?: Maybe<Verification>;
  /** The enrollment this job runs (ENROLL jobs). */
  enrollment?: Maybe<EndpointEnrollment>;
};

/** An edge in a JobConnection. */
export type JobEdge = {
  __typename?: 'JobEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The job. */
  node: Job;
};

/** A page of jobs, newest first. */
export type JobConnection = {
  __typename?: 'JobConnection';
  /** Jobs on this page. */
  edges: Array<JobEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of jobs matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the jobs connection. */
export type JobFilter = {
  /** Only jobs in this status. */
  status?: InputMaybe<JobStatus>;
  /** Only jobs of this kind. */
  kind?: InputMaybe<JobKind>;
};

/** Lifecycle of a watermark. */
export type WatermarkStatus =
  /** Its job has not finished. */
  | 'PENDING'
  /** Trigger set generated, checked and sealed: usable for verification. */
  | 'READY'
  /** Generation failed after all retries. */
  | 'FAILED'
  /** Its job was cancelled. */
  | 'CANCELLED';

/** How a verification turns matched triggers into a verdict. */
export type VerdictPolicy = {
  __typename?: 'VerdictPolicy';
  /** strict (any mismatch = tampered) or tolerance. */
  kind: Scalars['String']['output'];
  /** For tolerance: the largest fraction of mismatched triggers still judged intact. */
  maxMismatchFraction?: Maybe<Scalars['Float']['output']>;
};

/** Checks made when the trigger set was generated. */
export type WatermarkSelfCheck = {
  __typename?: 'WatermarkSelfCheck';
  /** AccTri of the stored triggers on the clean model (always 1). */
  accTri: Scalars['Float']['output'];
  /** The model's weights digest was the same before and after generation. */
  digestUnchanged: Scalars['Boolean']['output'];
  /** Fraction of triggers flipped by Gaussian weight noise of std noiseStd (a data-free stand-in for a small fine-tune). */
  flipFractionUnderNoise: Scalars['Float']['output'];
  /** Standard deviation of that noise. */
  noiseStd: Scalars['Float']['output'];
  /** Median top-1 minus top-2 logit margin of the triggers. */
  medianMargin: Scalars['Float']['output'];
  /** Share of trigger values at the input range's limits (a stealth figure; 0 when unbounded). */
  shareAtLimits?: Maybe<Scalars['Float']['output']>;
  /** Where the warm start's candidate triggers came from (chosen by input size and objective); null for watermarks made before the choice existed. */
  warmStart?: Maybe<WarmStart>;
};

/** The start of trigger generation (docs/method.md, "The warm start at real sizes"). */
export type WarmStart =
  /** The paper's generator network maps fixed latents to candidates (inputs up to 32x32x3). */
  | 'GENERATOR'
  /** The candidates themselves are optimised from seeded noise (larger inputs with objectives other than JUNCTION). */
  | 'DIRECT'
  /** No warm start: the junction projection starts from seeded noise, or from the owner's reference inputs (larger inputs with JUNCTION, the default objective). */
  | 'NONE';

/** Whether a watermark is strong enough to be trusted without reservation (src/watermarks/watermark-strength.ts). */
export type WatermarkStrengthLevel =
  /** At least 32 triggers, and its self-check saw triggers flip under weight noise (or did not measure it). */
  | 'STANDARD'
  /** Fewer than 32 triggers, or no trigger flipped under the self-check's noise: made only with allowWeak, and its tokens say "weak". */
  | 'WEAK';

/** How much a verdict from a watermark can be trusted; the same figures as the attestation claim watermark.strength. */
export type WatermarkStrength = {
  __typename?: 'WatermarkStrength';
  /** STANDARD or WEAK. */
  level: WatermarkStrengthLevel;
  /** Why it is WEAK: FEW_TRIGGERS (fewer than 32), NO_SENSITIVITY (its self-check flipped no trigger). Empty when STANDARD. */
  reasons: Array<Scalars['String']['output']>;
  /** Number of triggers. */
  triggers: Scalars['Int']['output'];
  /** Trigger objective. */
  method: Scalars['String']['output'];
  /** Fraction of triggers the generation self-check's weight noise flipped; null until measured. */
  flipFractionUnderNoise?: Maybe<Scalars['Float']['output']>;
  /** Standard deviation of that noise; null until measured. */
  noiseStd?: Maybe<Scalars['Float']['output']>;
  /** Fewest mismatched triggers (of all of them) that make a verdict TAMPERED under the watermark's policy. */
  detectionFloor: Scalars['Int']['output'];
};

/** A fragile trigger set for a model version. The triggers and their labels are sealed in the vault and never exposed. */
export type Watermark = {
  __typename?: 'Watermark';
  /** Watermark id. */
  id: Scalars['ID']['output'];
  /** Lifecycle state. */
  status: WatermarkStatus;
  /** Scheme and version of the method. */
  scheme: Scalars['String']['output'];
  /** Trigger objective: JUNCTION (default), SENSITIVE, MARGIN, CE_VARIANCE (the paper's) or CE_ONLY. */
  method: Scalars['String']['output'];
  /** Number of triggers. */
  triggerCount: Scalars['Int']['output'];
  /** Generation parameters as a JSON object text. */
  parameters: Scalars['String']['output'];
  /** Verdict policy of verifications against this watermark. */
  policy: VerdictPolicy;
  /** Numerics the triggers survive (FP32_EXACT for watermarks made before profiles). */
  profile: ServingProfile;
  /** Values the triggers lie in (the version's input domain when the watermark was requested). */
  inputDomain: InputDomain;
  /** SHA-256 commitment of the sealed trigger set (appears in attestations). */
  commitment?: Maybe<Scalars['String']['output']>;
  /** TF.js backend that generated it. */
  backend?: Maybe<Scalars['String']['output']>;
  /** Generator updates used. */
  generationSteps?: Maybe<Scalars['Int']['output']>;
  /** Generation-time checks. */
  selfCheck?: Maybe<WatermarkSelfCheck>;
  /** How much its verdicts can be trusted (in every attestation as watermark.strength); for a PENDING watermark, from its settings only. */
  strength: WatermarkStrength;
  /** The request accepted a weak watermark (allowWeak: true). */
  allowWeak: Scalars['Boolean']['output'];
  /** When it was requested. */
  createdAt: Scalars['DateTime']['output'];
  /** When it became ready. */
  readyAt?: Maybe<Scalars['DateTime']['output']>;
  /** The protected model version. */
  modelVersion: ModelVersion;
  /** The job that generates it. */
  job: Job;
  /** Verifications against this watermark, newest first. */
  verifications: VerificationConnection;
};


/** A fragile trigger set for a model version. The triggers and their labels are sealed in the vault and never exposed. */
export type WatermarkVerificationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

/** An edge in a WatermarkConnection. */
export type WatermarkEdge = {
  __typename?: 'WatermarkEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The watermark. */
  node: Watermark;
};

/** A page of watermarks, newest first. */
export type WatermarkConnection = {
  __typename?: 'WatermarkConnection';
  /** Watermarks on this page. */
  edges: Array<WatermarkEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of watermarks. */
  totalCount: Scalars['Int']['output'];
};

/** How a verification reached the model. */
export type VerificationMode =
  /** The model file itself, run in a worker (the registered artifact or an uploaded copy). */
  | 'ARTIFACT'
  /** The deployed model, queried over HTTP (TF Serving REST or KServe v2). */
  | 'ENDPOINT'
  /** Labels sent back by the model's operator for a one-time random subset of triggers. */
  | 'CHALLENGE';

/** Outcome of a verification. */
export type Verdict =
  /** Not finished. */
  | 'PENDING'
  /** Every queried trigger kept its label (or within the watermark's tolerance): the model is the one watermarked. */
  | 'INTACT'
  /** Too many triggers changed label: the model was modified. */
  | 'TAMPERED'
  /** The model could not be checked (endpoint down or wrong, artifact unloadable); see errorReason. */
  | 'ERROR';

/** A signed attestation of a verification's result (JWT, EdDSA): check it offline against /.well-known/jwks.json. */
export type Attestation = {
  __typename?: 'Attestation';
  /** Token id (the jti claim). */
  jti: Scalars['ID']['output'];
  /** The compact JWS. */
  token: Scalars['String']['output'];
  /** When it was issued. */
  issuedAt: Scalars['DateTime']['output'];
  /** When it expires. */
  expiresAt: Scalars['DateTime']['output'];
  /** Whether it was revoked. */
  revoked: Scalars['Boolean']['output'];
  /**
   * The same verdict as an in-toto Statement v1 (Simple Verification Result predicate v0.1) in a DSSE
   * envelope, signed with the token's key (keyid = its kid); null for attestations issued before
   * envelopes existed. docs/verifying-attestations.md, "The in-toto statement".
   */
  dsseEnvelope?: Maybe<DsseEnvelope>;
  /** The in-toto statement the envelope signs, as JSON text (its payload, decoded); null without an envelope. */
  statement?: Maybe<Scalars['String']['output']>;
};

/** A DSSE v1 JSON envelope (secure-systems-lab/dsse envelope.md): serialise it as JSON to get the standard file. */
export type DsseEnvelope = {
  __typename?: 'DsseEnvelope';
  /** Base64 of the signed payload (the in-toto statement, UTF-8 JSON). */
  payload: Scalars['String']['output'];
  /** application/vnd.in-toto+json */
  payloadType: Scalars['String']['output'];
  /** Ed25519 signatures over the pre-authentication encoding of payloadType and payload. */
  signatures: Array<DsseSignature>;
};

/** One signature of a DSSE envelope. */
export type DsseSignature = {
  __typename?: 'DsseSignature';
  /** The signing key's kid in /.well-known/jwks.json. */
  keyid: Scalars['String']['output'];
  /** Base64 of the signature. */
  sig: Scalars['String']['output'];
};

/** Public revocation status of an attestation, for third parties. */
export type AttestationStatus = {
  __typename?: 'AttestationStatus';
  /** The token id asked about. */
  jti: Scalars['ID']['output'];
  /** Whether this server issued a token with this id. */
  known: Scalars['Boolean']['output'];
  /** Whether it was revoked: by its tenant (revokeAttestation), or because its tenant was deleted. */
  revoked: Scalars['Boolean']['output'];
  /** Why it was revoked: the reason given to revokeAttestation ("Revoked by its tenant." when none was given), or "The tenant was deleted."; null when not revoked. */
  reason?: Maybe<Scalars['String']['output']>;
  /** When it was revoked: the time of revokeAttestation, or of the tenant's deletion; null when not revoked. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it expires; null when unknown. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A check of a model version against one of its watermarks. */
export type Verification = {
  __typename?: 'Verification';
  /** Verification id. */
  id: Scalars['ID']['output'];
  /** How the model was reached. */
  mode: VerificationMode;
  /** The outcome. */
  verdict: Verdict;
  /** Triggers queried. */
  triggersQueried?: Maybe<Scalars['Int']['output']>;
  /** Triggers that kept their key label. */
  triggersMatched?: Maybe<Scalars['Int']['output']>;
  /** triggersMatched / triggersQueried. */
  accTri?: Maybe<Scalars['Float']['output']>;
  /** The verdict policy applied. */
  policy: VerdictPolicy;
  /** Why the verdict is ERROR. */
  errorReason?: Maybe<Scalars['String']['output']>;
  /** The monitor whose scheduled run this was; null for a check started by hand. */
  monitor?: Maybe<Monitor>;
  /** When it was requested. */
  createdAt: Scalars['DateTime']['output'];
  /** When the verdict was reached. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The version checked. */
  modelVersion: ModelVersion;
  /** The watermark used. */
  watermark: Watermark;
  /** The worker job (ARTIFACT and ENDPOINT). */
  job?: Maybe<Job>;
  /** The signed attestation (INTACT and TAMPERED verdicts). */
  attestation?: Maybe<Attestation>;
  /** ENDPOINT: the enrollment whose stable triggers were queried; null when all triggers were. */
  enrollment?: Maybe<EndpointEnrollment>;
  /** ENDPOINT of an enrolled endpoint: triggers left out as unstable there. */
  triggersExcluded?: Maybe<Scalars['Int']['output']>;
  /** ENDPOINT: the deployment queried (registered or ad-hoc). */
  endpoint?: Maybe<Endpoint>;
  /** ENDPOINT over https: SHA-256 (hex) of the DER of the TLS certificate the server presented. */
  tlsCertificateSha256?: Maybe<Scalars['String']['output']>;
  /** ARTIFACT: digest of the canonical weights actually checked. */
  checkedWeightsDigest?: Maybe<Scalars['String']['output']>;
  /** ARTIFACT: digest of the artifact files actually checked. */
  checkedArtifactDigest?: Maybe<Scalars['String']['output']>;
  /** ARTIFACT: whether the checked weights are the registered ones (false for a candidate with other weights). */
  weightsMatchRegistered?: Maybe<Scalars['Boolean']['output']>;
};

/** Lifecycle of an endpoint enrollment. */
export type EnrollmentStatus =
  /** Its job has not finished. */
  | 'PENDING'
  /** The endpoint answered enough triggers stably; ENDPOINT verifications of it use those. */
  | 'ENROLLED'
  /** Too many triggers were unstable or wrong, or the endpoint could not be queried (see errorReason). */
  | 'FAILED'
  /** Its job was cancelled. */
  | 'CANCELLED';

/** Top-1 minus top-2 scores the endpoint returned for the stable triggers, in its own units. */
export type ObservedMargins = {
  __typename?: 'ObservedMargins';
  /** Smallest. */
  min: Scalars['Float']['output'];
  /** Median. */
  median: Scalars['Float']['output'];
};

/** A deployment of a watermarked version, queried several times with every trigger to learn which triggers it answers stably. */
export type EndpointEnrollment = {
  __typename?: 'EndpointEnrollment';
  /** Enrollment id. */
  id: Scalars['ID']['output'];
  /** Lifecycle state. */
  status: EnrollmentStatus;
  /** The endpoint (never its credential). */
  endpoint: Endpoint;
  /** Rounds of queries with every trigger. */
  rounds: Scalars['Int']['output'];
  /** Batch sizes the rounds alternate between. */
  batchSizes: Array<Scalars['Int']['output']>;
  /** Largest share of triggers that may be left out. */
  maxUnstableShare: Scalars['Float']['output'];
  /** Triggers answered with their key label in every round (null until done). */
  stableCount?: Maybe<Scalars['Int']['output']>;
  /** Triggers whose label changed between rounds. */
  unstableCount?: Maybe<Scalars['Int']['output']>;
  /** Triggers answered with the same wrong label every round. */
  mismatchedCount?: Maybe<Scalars['Int']['output']>;
  /** Observed score margins of the stable triggers, when the endpoint returns scores. */
  observedMargins?: Maybe<ObservedMargins>;
  /** Why it FAILED. */
  errorReason?: Maybe<Scalars['String']['output']>;
  /** When it was requested. */
  createdAt: Scalars['DateTime']['output'];
  /** When it ended. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The watermark whose triggers were sent. */
  watermark: Watermark;
  /** The version. */
  modelVersion: ModelVersion;
  /** The worker job. */
  job: Job;
};

/** An edge in an EndpointEnrollmentConnection. */
export type EndpointEnrollmentEdge = {
  __typename?: 'EndpointEnrollmentEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The enrollment. */
  node: EndpointEnrollment;
};

/** A page of enrollments, newest first. */
export type EndpointEnrollmentConnection = {
  __typename?: 'EndpointEnrollmentConnection';
  /** Enrollments on this page. */
  edges: Array<EndpointEnrollmentEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of enrollments. */
  totalCount: Scalars['Int']['output'];
};

/** Input of enrollEndpoint. */
export type EnrollEndpointInput = {
  /** A version with a READY watermark. */
  modelVersionId: Scalars['ID']['input'];
  /** Watermark whose triggers to send; default the version's newest READY one. */
  watermarkId?: InputMaybe<Scalars['ID']['input']>;
  /** A registered endpoint of the version to enroll; default its only one, or the one named "default". */
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  /** An ad-hoc URL to enroll instead of a registered endpoint. */
  endpoint?: InputMaybe<EndpointInput>;
  /** Rounds of queries with every trigger, 2 to 10 (default 3). */
  rounds?: InputMaybe<Scalars['Int']['input']>;
  /** Largest share of triggers that may be unstable or wrong, 0 to 0.5 (default 0.1). */
  maxUnstableShare?: InputMaybe<Scalars['Float']['input']>;
};

/** Result of enrollEndpoint. */
export type EnrollEndpointPayload = {
  __typename?: 'EnrollEndpointPayload';
  /** The enrollment, PENDING until its job ends. */
  enrollment?: Maybe<EndpointEnrollment>;
  /** The job querying the endpoint. */
  job?: Maybe<Job>;
  /** Why nothing was started; empty on success. */
  userErrors: Array<UserError>;
};

/** An edge in a VerificationConnection. */
export type VerificationEdge = {
  __typename?: 'VerificationEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The verification. */
  node: Verification;
};

/** A page of verifications, newest first. */
export type VerificationConnection = {
  __typename?: 'VerificationConnection';
  /** Verifications on this page. */
  edges: Array<VerificationEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of verifications matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the verifications connection. */
export type VerificationFilter = {
  /** Only versions of this model. */
  modelId?: InputMaybe<Scalars['ID']['input']>;
  /** Only this version. */
  modelVersionId?: InputMaybe<Scalars['ID']['input']>;
  /** Only this verdict. */
  verdict?: InputMaybe<Verdict>;
  /** Only this mode. */
  mode?: InputMaybe<VerificationMode>;
  /** Created at or after this instant. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Created before this instant. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Number of verifications by verdict. */
export type VerdictCounts = {
  __typename?: 'VerdictCounts';
  /** INTACT verdicts. */
  intact: Scalars['Int']['output'];
  /** TAMPERED verdicts. */
  tampered: Scalars['Int']['output'];
  /** ERROR verdicts. */
  error: Scalars['Int']['output'];
  /** Unfinished. */
  pending: Scalars['Int']['output'];
};

/** The triggers of a challenge, to be classified by the model's operator. */
export type ChallengeTriggers = {
  __typename?: 'ChallengeTriggers';
  /** Shape of the data: [count, ...input shape]. */
  shape: Array<Scalars['Int']['output']>;
  /** float32 little-endian values, row-major, base64. */
  data: Scalars['String']['output'];
  /** Always float32-le-base64. */
  encoding: Scalars['String']['output'];
};

/** A one-time challenge: answer with the model's label for each trigger, in order, before expiresAt. */
export type Challenge = {
  __typename?: 'Challenge';
  /** Challenge id. */
  id: Scalars['ID']['output'];
  /** Number of triggers. */
  size: Scalars['Int']['output'];
  /** Deadline for the answer. */
  expiresAt: Scalars['DateTime']['output'];
  /** When it was answered. */
  answeredAt?: Maybe<Scalars['DateTime']['output']>;
};

/** What a monitored deployment was last seen to be (docs/monitoring.md). */
export type IntegrityState =
  /** Not checked yet since monitoring began. */
  | 'UNKNOWN'
  /** The last check's verdict was INTACT. */
  | 'HEALTHY'
  /** The last check's verdict was TAMPERED. */
  | 'TAMPERED'
  /** The last checks in a row ended in ERROR (FRAGMARK_MONITOR_UNREACHABLE_AFTER of them): it could not be reached or checked. */
  | 'UNREACHABLE';

/** Continuous checks of a registered endpoint (ENDPOINT) or of a version's registered artifact (ARTIFACT) on a schedule; each run is an ordinary verification with its attestation. */
export type Monitor = {
  __typename?: 'Monitor';
  /** Monitor id. */
  id: Scalars['ID']['output'];
  /** ENDPOINT: the registered endpoint is queried; ARTIFACT: the registry's own copy is loaded and checked. */
  mode: VerificationMode;
  /** The version checked. */
  modelVersion: ModelVersion;
  /** ENDPOINT monitors: the registered endpoint. */
  endpoint?: Maybe<Endpoint>;
  /** Seconds between runs (runs fall at creation + k x interval); null for a cron schedule. */
  intervalSeconds?: Maybe<Scalars['Int']['output']>;
  /** Five-field cron expression in UTC; null for an interval schedule. */
  cron?: Maybe<Scalars['String']['output']>;
  /** Each run starts up to this many seconds after its slot, at random. */
  jitterSeconds: Scalars['Int']['output'];
  /** Triggers queried per run, drawn at random from those not revealed by challenges; null: the whole (enrolled) set. */
  triggerSample?: Maybe<Scalars['Int']['output']>;
  /** Paused monitors start no runs. */
  paused: Scalars['Boolean']['output'];
  /** When the next run is due (while not paused). */
  nextRunAt: Scalars['DateTime']['output'];
  /** When the last run was started. */
  lastRunAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why the last run could not start; null when it did. */
  lastRunError?: Maybe<Scalars['String']['output']>;
  /** The target's integrity state. */
  state: IntegrityState;
  /** When the state last changed. */
  stateSince: Scalars['DateTime']['output'];
  /** Checks in a row that ended in ERROR. */
  consecutiveErrors: Scalars['Int']['output'];
  /** When the last check counted for this monitor ended. */
  lastCheckedAt?: Maybe<Scalars['DateTime']['output']>;
  /** That check. */
  lastVerification?: Maybe<Verification>;
  /** The runs this monitor started, newest first. */
  runs: VerificationConnection;
  /** Alerts of this monitor, newest first. */
  alerts: IntegrityAlertConnection;
  /** When monitoring began. */
  createdAt: Scalars['DateTime']['output'];
};


/** Continuous checks of a registered endpoint (ENDPOINT) or of a version's registered artifact (ARTIFACT) on a schedule; each run is an ordinary verification with its attestation. */
export type MonitorRunsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/** Continuous checks of a registered endpoint (ENDPOINT) or of a version's registered artifact (ARTIFACT) on a schedule; each run is an ordinary verification with its attestation. */
export type MonitorAlertsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  open?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Opened by a change of a monitor's integrity state (all but a new monitor's first HEALTHY); open until acknowledged. */
export type IntegrityAlert = {
  __typename?: 'IntegrityAlert';
  /** Alert id. */
  id: Scalars['ID']['output'];
  /** The monitor whose state changed. */
  monitor: Monitor;
  /** The state before the change. */
  previousState: IntegrityState;
  /** The state it changed to. */
  state: IntegrityState;
  /** The check that changed it. */
  verification: Verification;
  /** When the state changed. */
  openedAt: Scalars['DateTime']['output'];
  /** Whether someone acknowledged it. */
  acknowledged: Scalars['Boolean']['output'];
  /** When it was acknowledged. */
  acknowledgedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Name of the API key that acknowledged it (as it was then). */
  acknowledgedBy?: Maybe<Scalars['String']['output']>;
  /** What they wrote. */
  note?: Maybe<Scalars['String']['output']>;
};

/** An edge of MonitorConnection. */
export type MonitorEdge = {
  __typename?: 'MonitorEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The monitor. */
  node: Monitor;
};

/** A page of monitors, newest first. */
export type MonitorConnection = {
  __typename?: 'MonitorConnection';
  /** Monitors on this page. */
  edges: Array<MonitorEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of monitors matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the monitors connection. */
export type MonitorFilter = {
  /** Only monitors in this state. */
  state?: InputMaybe<IntegrityState>;
  /** Only monitors of this version. */
  modelVersionId?: InputMaybe<Scalars['ID']['input']>;
};

/** An edge of IntegrityAlertConnection. */
export type IntegrityAlertEdge = {
  __typename?: 'IntegrityAlertEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The alert. */
  node: IntegrityAlert;
};

/** A page of alerts, newest first. */
export type IntegrityAlertConnection = {
  __typename?: 'IntegrityAlertConnection';
  /** Alerts on this page. */
  edges: Array<IntegrityAlertEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of alerts matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for the alerts connection. */
export type IntegrityAlertFilter = {
  /** true: open ones only; false: acknowledged ones only. */
  open?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only this monitor's. */
  monitorId?: InputMaybe<Scalars['ID']['input']>;
};

/** Per monitor over a window: checks, verdicts, time HEALTHY, open alerts, and the attestations as evidence. */
export type FleetReport = {
  __typename?: 'FleetReport';
  /** Start of the window. */
  since: Scalars['DateTime']['output'];
  /** End of the window. */
  until: Scalars['DateTime']['output'];
  /** One row per monitor, oldest monitor first. */
  rows: Array<FleetReportRow>;
};

/** One monitor's figures in a fleet report. */
export type FleetReportRow = {
  __typename?: 'FleetReportRow';
  /** The monitor. */
  monitor: Monitor;
  /** Its runs that ended in the window. */
  checks: Scalars['Int']['output'];
  /** Of those, INTACT. */
  intact: Scalars['Int']['output'];
  /** Of those, TAMPERED. */
  tampered: Scalars['Int']['output'];
  /** Of those, ERROR. */
  errors: Scalars['Int']['output'];
  /** Share (0 to 1) of the window, from the monitor's creation if later, in which its state was known and HEALTHY; null when it was never known. */
  healthyShare?: Maybe<Scalars['Float']['output']>;
  /** Alerts not acknowledged yet. */
  openAlerts: Scalars['Int']['output'];
  /** The window's checks, newest first (at most 100), with their attestations. */
  evidence: Array<FleetEvidence>;
};

/** One check in a fleet report. */
export type FleetEvidence = {
  __typename?: 'FleetEvidence';
  /** The verification. */
  verificationId: Scalars['ID']['output'];
  /** Its verdict. */
  verdict: Verdict;
  /** When it ended. */
  completedAt: Scalars['DateTime']['output'];
  /** The jti of its attestation (GET /v1/attestations/{jti}); null for ERROR. */
  attestationId?: Maybe<Scalars['ID']['output']>;
};

/** Input of createMonitor: a target (endpointId or modelVersionId) and a schedule (intervalSeconds or cron). */
export type CreateMonitorInput = {
  /** Monitor this registered endpoint (ENDPOINT checks). */
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  /** Or monitor this version's registered artifact (ARTIFACT checks). */
  modelVersionId?: InputMaybe<Scalars['ID']['input']>;
  /** Seconds between runs, at least FRAGMARK_MONITOR_MIN_INTERVAL_SECONDS (default 60), at most 30 days. */
  intervalSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Or a five-field cron expression in UTC, e.g. "*\/15 * * * *". */
  cron?: InputMaybe<Scalars['String']['input']>;
  /** Start each run up to this many seconds after its slot, at random (default 0; at most an hour and at most the interval). */
  jitterSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Query this many triggers per run, drawn at random (8 to 1000); default: the whole (enrolled) set. */
  triggerSample?: InputMaybe<Scalars['Int']['input']>;
  /** Create it paused (default false). */
  paused?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Input of updateMonitor: what is given changes; a new schedule (or a resume) restarts the schedule from now. */
export type UpdateMonitorInput = {
  /** The monitor. */
  id: Scalars['ID']['input'];
  /** A new interval (replaces a cron schedule). */
  intervalSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** A new cron expression (replaces an interval). */
  cron?: InputMaybe<Scalars['String']['input']>;
  /** A new jitter. */
  jitterSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** A new sample size; null to query the whole set again. */
  triggerSample?: InputMaybe<Scalars['Int']['input']>;
  /** Pause or resume. */
  paused?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Input of deleteMonitor. */
export type DeleteMonitorInput = {
  /** The monitor. */
  id: Scalars['ID']['input'];
};

/** Result of createMonitor, updateMonitor and deleteMonitor. */
export type MonitorPayload = {
  __typename?: 'MonitorPayload';
  /** The monitor (as it was, for deleteMonitor). */
  monitor?: Maybe<Monitor>;
  /** Why it was refused; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of acknowledgeAlert. */
export type AcknowledgeAlertInput = {
  /** The alert. */
  id: Scalars['ID']['input'];
  /** Up to 500 characters, e.g. what was done. */
  note?: InputMaybe<Scalars['String']['input']>;
};

/** Result of acknowledgeAlert. */
export type AcknowledgeAlertPayload = {
  __typename?: 'AcknowledgeAlertPayload';
  /** The alert, acknowledged. */
  alert?: Maybe<IntegrityAlert>;
  /** Why it was refused; empty on success. */
  userErrors: Array<UserError>;
};

/** Read operations. */
export type Query = {
  __typename?: 'Query';
  /** Who the API key belongs to: tenant and role. */
  viewer: Viewer;
  /** Every tenant, newest first, deleted ones too (platform admins only). */
  tenants: TenantConnection;
  /** API keys of the caller's tenant (platform keys for platform admins). Admins only. */
  apiKeys: ApiKeyConnection;
  /** The audit trail of the caller's tenant (the platform's for platform admins). Admins only. */
  auditEvents: AuditEventConnection;
  /** Models of the caller's tenant, newest first. */
  models: ModelConnection;
  /** A model by id; null when it does not exist in the caller's tenant. */
  model?: Maybe<Model>;
  /** Public keys the tenant trusts to sign its models (OpenSSF model signing), newest first. */
  modelSigningKeys: ModelSigningKeyConnection;
  /** A model version by id. */
  modelVersion?: Maybe<ModelVersion>;
  /** A watermark by id. */
  watermark?: Maybe<Watermark>;
  /** An endpoint enrollment by id. */
  endpointEnrollment?: Maybe<EndpointEnrollment>;
  /** Monitors of the caller's tenant, newest first. */
  monitors: MonitorConnection;
  /** A monitor by id. */
  monitor?: Maybe<Monitor>;
  /** Alerts of the caller's tenant, newest first. */
  integrityAlerts: IntegrityAlertConnection;
  /** Per monitor over a window of at most 366 days (until defaults to now): checks, verdicts, time HEALTHY, open alerts, attestations. */
  fleetReport: FleetReport;
  /** A job by id. */
  job?: Maybe<Job>;
  /** Jobs of the caller's tenant, newest first. */
  jobs: JobConnection;
  /** A verification by id. */
  verification?: Maybe<Verification>;
  /** Verifications of the caller's tenant, newest first. */
  verifications: VerificationConnection;
  /** Revocation status of an attestation. Needs no API key: third parties call it. */
  attestationStatus: AttestationStatus;
  /** The tenant's webhook subscriptions (not deleted), oldest first. */
  webhookSubscriptions: Array<WebhookSubscription>;
  /** A webhook subscription by id (deleted ones too); null when it is not the tenant's. */
  webhookSubscription?: Maybe<WebhookSubscription>;
  /** The delivery log of one subscription, newest first, each delivery with its attempts. */
  webhookDeliveries: WebhookDeliveryConnection;
};


/** Read operations. */
export type QueryTenantsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TenantFilter>;
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


/** Read operations. */
export type QueryModelsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ModelFilter>;
};


/** Read operations. */
export type QueryModelArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryModelSigningKeysArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ModelSigningKeyFilter>;
};


/** Read operations. */
export type QueryModelVersionArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryWatermarkArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryEndpointEnrollmentArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryMonitorsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<MonitorFilter>;
};


/** Read operations. */
export type QueryMonitorArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryIntegrityAlertsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<IntegrityAlertFilter>;
};


/** Read operations. */
export type QueryFleetReportArgs = {
  since: Scalars['DateTime']['input'];
  until?: InputMaybe<Scalars['DateTime']['input']>;
};


/** Read operations. */
export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryJobsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<JobFilter>;
};


/** Read operations. */
export type QueryVerificationArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryVerificationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<VerificationFilter>;
};


/** Read operations. */
export type QueryAttestationStatusArgs = {
  jti: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryWebhookSubscriptionArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryWebhookDeliveriesArgs = {
  subscriptionId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<WebhookDeliveryFilter>;
};

/** Narrows the tenants query. */
export type TenantFilter = {
  /** true: tenants not deleted; false: deleted ones (in their grace period or shredded); absent: all. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A page of tenants. */
export type TenantConnection = {
  __typename?: 'TenantConnection';
  /** The tenants on this page. */
  edges: Array<TenantEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of tenants matching the filter, on all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A tenant and its cursor. */
export type TenantEdge = {
  __typename?: 'TenantEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The tenant. */
  node: Tenant;
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
  /** Secrets still under older versions when the request ended; the job moves them. */
  remaining?: Maybe<Scalars['Int']['output']>;
  /** The background REWRAP job moving the remaining secrets (null when none remained). */
  job?: Maybe<Job>;
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
  /** Queued and running jobs of the tenant that the deletion cancelled (their watermarks, verifications and enrollments ended with them). */
  cancelledJobs?: Maybe<Scalars['Int']['output']>;
  /** Why the tenant was not deleted; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of registerModel. */
export type RegisterModelInput = {
  /** Unique name within the tenant. */
  name: Scalars['String']['input'];
  /** Free text, up to 2000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Up to 20 lowercase tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Result of registerModel. */
export type RegisterModelPayload = {
  __typename?: 'RegisterModelPayload';
  /** The new model. */
  model?: Maybe<Model>;
  /** Why the model was not registered; empty on success. */
  userErrors: Array<UserError>;
};

/** Where a version is deployed. */
export type EndpointInput = {
  /** Base URL of the inference server (http or https). */
  url: Scalars['String']['input'];
  /** Inference protocol. */
  protocol: EndpointProtocol;
  /** Model name at the endpoint; defaults to the model's name. */
  modelName?: InputMaybe<Scalars['String']['input']>;
  /** Bearer credential for the endpoint; sealed in the vault and never returned. */
  credential?: InputMaybe<Scalars['String']['input']>;
  /** How trigger values are sent: FLOAT32 (default) or UINT8 levels (KServe v2 UINT8 tensors, TF Serving integers; UINT8 input domains only). */
  inputFormat?: InputMaybe<InputEncoding>;
};

/** Input of createModelVersion. */
export type CreateModelVersionInput = {
  /** The model. */
  modelId: Scalars['ID']['input'];
  /** Label unique within the model, e.g. 1.4.0. */
  label: Scalars['String']['input'];
  /** Where this version is deployed, registered as its endpoint named "default" (needs a TENANT_ADMIN key). */
  endpoint?: InputMaybe<EndpointInput>;
  /** Values the model accepts; default [0, 1] FLOAT32. */
  inputDomain?: InputMaybe<InputDomainInput>;
};

/** Result of createModelVersion. */
export type CreateModelVersionPayload = {
  __typename?: 'CreateModelVersionPayload';
  /** The new version (AWAITING_UPLOAD: PUT its artifact to uploadPath). */
  modelVersion?: Maybe<ModelVersion>;
  /** Why the version was not created; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of setModelAlias. */
export type SetModelAliasInput = {
  /** The model. */
  modelId: Scalars['ID']['input'];
  /** Alias name, e.g. production. */
  alias: Scalars['String']['input'];
  /** Version to point it at. */
  versionId: Scalars['ID']['input'];
};

/** Result of setModelAlias. */
export type SetModelAliasPayload = {
  __typename?: 'SetModelAliasPayload';
  /** The alias after the change. */
  alias?: Maybe<ModelAlias>;
  /** Why the alias did not change; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of registerModelSigningKey. */
export type RegisterModelSigningKeyInput = {
  /** Name to recognise the key by, 1 to 100 characters. */
  name: Scalars['String']['input'];
  /** The public key as PEM (-----BEGIN PUBLIC KEY-----): ECDSA on P-256, P-384 or P-521, or Ed25519; at most 8 KiB. */
  publicKeyPem: Scalars['String']['input'];
};

/** Result of registerModelSigningKey. */
export type RegisterModelSigningKeyPayload = {
  __typename?: 'RegisterModelSigningKeyPayload';
  /** The registered key. */
  signingKey?: Maybe<ModelSigningKey>;
  /** Why the key was not registered; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of revokeModelSigningKey. */
export type RevokeModelSigningKeyInput = {
  /** Id of the key to revoke. */
  id: Scalars['ID']['input'];
};

/** Result of revokeModelSigningKey. */
export type RevokeModelSigningKeyPayload = {
  __typename?: 'RevokeModelSigningKeyPayload';
  /** The revoked key. */
  signingKey?: Maybe<ModelSigningKey>;
  /** Versions whose signature, verified with this key, the revocation withdrew. */
  withdrawnSignatures?: Maybe<Scalars['Int']['output']>;
  /** Why the key was not revoked; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of attachModelSignature. */
export type AttachModelSignatureInput = {
  /** A READY version: the signature is checked against its uploaded files. */
  modelVersionId: Scalars['ID']['input'];
  /** The registered key to check the signature with. */
  signingKeyId: Scalars['ID']['input'];
  /** The model.sig file written by model_signing sign key: a Sigstore bundle v0.3 as JSON text, at most 64 KiB. */
  bundle: Scalars['String']['input'];
};

/** Result of attachModelSignature. */
export type AttachModelSignaturePayload = {
  __typename?: 'AttachModelSignaturePayload';
  /** The version, with its verified signature. */
  modelVersion?: Maybe<ModelVersion>;
  /** Why the signature was refused (nothing was stored); empty on success. */
  userErrors: Array<UserError>;
};

/** Input of startWatermark. Defaults are the engine's recommended settings. */
export type StartWatermarkInput = {
  /** A READY model version. */
  modelVersionId: Scalars['ID']['input'];
  /** Number of triggers, 10 to 1000 (default 100); fewer than 32 needs allowWeak. */
  triggerCount?: InputMaybe<Scalars['Int']['input']>;
  /** Trigger objective: JUNCTION (default), SENSITIVE, MARGIN, CE_VARIANCE (the paper's) or CE_ONLY. */
  method?: InputMaybe<Scalars['String']['input']>;
  /** Weight of the variance term for CE_VARIANCE (default 150, the paper's). */
  lambda?: InputMaybe<Scalars['Float']['input']>;
  /** Most generator updates (default 300). */
  maxSteps?: InputMaybe<Scalars['Int']['input']>;
  /** Fraction of mismatched triggers tolerated before a verdict of TAMPERED; default 0 (strict). */
  tolerance?: InputMaybe<Scalars['Float']['input']>;
  /** Numerics the triggers must survive; default FP16. */
  profile?: InputMaybe<ServingProfile>;
  /** Accept a weak watermark (fewer than 32 triggers, or a self-check that flips no trigger); its tokens say strength "weak". Default false: such requests are refused, and such generations end FAILED. */
  allowWeak?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of startWatermark. */
export type StartWatermarkPayload = {
  __typename?: 'StartWatermarkPayload';
  /** The watermark, PENDING until its job succeeds. */
  watermark?: Maybe<Watermark>;
  /** The job generating it. */
  job?: Maybe<Job>;
  /** Why nothing was started; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of cancelJob. */
export type CancelJobInput = {
  /** The job. */
  id: Scalars['ID']['input'];
};

/** Result of cancelJob. */
export type CancelJobPayload = {
  __typename?: 'CancelJobPayload';
  /** The job: CANCELLED if it had not started, otherwise still RUNNING until its worker stops. */
  job?: Maybe<Job>;
  /** Why it could not be cancelled; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of registerEndpoint. */
export type RegisterEndpointInput = {
  /** The version deployed there. */
  modelVersionId: Scalars['ID']['input'];
  /** Unique among the version's active endpoints: 1 to 63 lowercase letters, digits, dots, underscores or hyphens (default "default"). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Where it is and how to query it. */
  endpoint: EndpointInput;
};

/** Result of registerEndpoint, updateEndpoint and removeEndpoint. */
export type EndpointPayload = {
  __typename?: 'EndpointPayload';
  /** The registered endpoint. */
  endpoint?: Maybe<Endpoint>;
  /** Why it was refused; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of updateEndpoint. */
export type UpdateEndpointInput = {
  /** The registered endpoint. */
  id: Scalars['ID']['input'];
  /** The whole endpoint again; a credential left out is dropped (never carried over to a changed host). */
  endpoint: EndpointInput;
};

/** Input of removeEndpoint. */
export type RemoveEndpointInput = {
  /** The registered endpoint. */
  id: Scalars['ID']['input'];
};

/** Input of verifyModel. */
export type VerifyModelInput = {
  /** The version to check. */
  modelVersionId: Scalars['ID']['input'];
  /** ARTIFACT or ENDPOINT (challenges: createChallenge). */
  mode: VerificationMode;
  /** Watermark to check against; default the version's newest READY one. */
  watermarkId?: InputMaybe<Scalars['ID']['input']>;
  /** ARTIFACT: check this uploaded copy (PUT /v1/verification-artifacts) instead of the registered artifact. */
  candidateArtifactId?: InputMaybe<Scalars['ID']['input']>;
  /** Audience to put in the attestation (aud). */
  audience?: InputMaybe<Scalars['String']['input']>;
  /** Nonce to echo in the attestation (eat_nonce), for freshness. */
  nonce?: InputMaybe<Scalars['String']['input']>;
  /** ENDPOINT: this registered endpoint of the version; default its only one, or the one named "default". */
  endpointId?: InputMaybe<Scalars['ID']['input']>;
  /** ENDPOINT: an ad-hoc URL instead of a registered endpoint; its attestation says endpoint.registered: false. */
  endpoint?: InputMaybe<EndpointInput>;
};

/** Result of verifyModel. */
export type VerifyModelPayload = {
  __typename?: 'VerifyModelPayload';
  /** The verification, PENDING until its job ends. */
  verification?: Maybe<Verification>;
  /** The job running it. */
  job?: Maybe<Job>;
  /** Why nothing was started; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of createChallenge. */
export type CreateChallengeInput = {
  /** A READY watermark. */
  watermarkId: Scalars['ID']['input'];
  /** Triggers to reveal (1 to the configured maximum). */
  size: Scalars['Int']['input'];
  /** Seconds the operator has to answer (60 to 604800, default 3600). */
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Audience for the attestation. */
  audience?: InputMaybe<Scalars['String']['input']>;
  /** Nonce for the attestation. */
  nonce?: InputMaybe<Scalars['String']['input']>;
};

/** Result of createChallenge. */
export type CreateChallengePayload = {
  __typename?: 'CreateChallengePayload';
  /** The challenge. */
  challenge?: Maybe<Challenge>;
  /** The triggers to hand to the model's operator (never their labels). */
  triggers?: Maybe<ChallengeTriggers>;
  /** Why no challenge was created; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of answerChallenge. */
export type AnswerChallengeInput = {
  /** The challenge. */
  challengeId: Scalars['ID']['input'];
  /** The model's label for each trigger, in the challenge's order. */
  labels: Array<Scalars['Int']['input']>;
};

/** Result of answerChallenge. */
export type AnswerChallengePayload = {
  __typename?: 'AnswerChallengePayload';
  /** The resulting CHALLENGE verification, with its attestation. */
  verification?: Maybe<Verification>;
  /** Why the answer was not scored; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of rotateSigningKey. */
export type RotateSigningKeyInput = {
  /** Free text for the audit trail. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Result of rotateSigningKey. */
export type RotateSigningKeyPayload = {
  __typename?: 'RotateSigningKeyPayload';
  /** Key id of the new signing key. */
  kid?: Maybe<Scalars['String']['output']>;
  /** Why the key was not rotated; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of revokeAttestation. */
export type RevokeAttestationInput = {
  /** The token's jti. */
  jti: Scalars['ID']['input'];
  /** Why it is revoked. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Result of revokeAttestation. */
export type RevokeAttestationPayload = {
  __typename?: 'RevokeAttestationPayload';
  /** The revoked attestation. */
  attestation?: Maybe<Attestation>;
  /** Why it was not revoked; empty on success. */
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
  /** Register a model (OPERATOR or stronger). */
  registerModel: RegisterModelPayload;
  /** Create a version of a model; then upload its artifact (see README). */
  createModelVersion: CreateModelVersionPayload;
  /** Point an alias such as production at a version, moving it if it exists. */
  setModelAlias: SetModelAliasPayload;
  /** Register a public key that signs the tenant's models (OpenSSF model signing; TENANT_ADMIN). */
  registerModelSigningKey: RegisterModelSigningKeyPayload;
  /** Revoke a model signing key: signatures verified with it are withdrawn (TENANT_ADMIN). */
  revokeModelSigningKey: RevokeModelSigningKeyPayload;
  /** Check an OpenSSF model signature (key-based, offline) against a READY version's files and record it (OPERATOR). */
  attachModelSignature: AttachModelSignaturePayload;
  /** Generate a fragile watermark for a version in a worker; follow it through the returned job. */
  startWatermark: StartWatermarkPayload;
  /** Query a deployment of a watermarked version several times to learn which triggers it answers stably (OPERATOR). */
  enrollEndpoint: EnrollEndpointPayload;
  /** Register where a version is deployed (TENANT_ADMIN; audited). ENDPOINT attestations of it say endpoint.registered: true. */
  registerEndpoint: EndpointPayload;
  /** Point a registered endpoint elsewhere (TENANT_ADMIN; audited). Enrollments of its old address no longer apply. */
  updateEndpoint: EndpointPayload;
  /** Stop offering a registered endpoint (TENANT_ADMIN; audited); verifications that used it keep naming it. */
  removeEndpoint: EndpointPayload;
  /** Check a registered endpoint or a version's registered artifact on a schedule (TENANT_ADMIN; audited). */
  createMonitor: MonitorPayload;
  /** Change a monitor's schedule or sample, or pause and resume it (TENANT_ADMIN; audited). */
  updateMonitor: MonitorPayload;
  /** Stop monitoring (TENANT_ADMIN; audited); its runs stay as verifications. */
  deleteMonitor: MonitorPayload;
  /** Acknowledge an alert (OPERATOR), recording who and when. */
  acknowledgeAlert: AcknowledgeAlertPayload;
  /** Cancel a queued or running job. */
  cancelJob: CancelJobPayload;
  /** Check a model version against its watermark, by artifact or endpoint, in a worker. */
  verifyModel: VerifyModelPayload;
  /** Reveal a fresh random subset of triggers to a model's operator, to be answered with labels. */
  createChallenge: CreateChallengePayload;
  /** Score an operator's labels for a challenge: a CHALLENGE verification with its attestation. */
  answerChallenge: AnswerChallengePayload;
  /** Start a new attestation signing key (platform admins only); the old one stays published until its tokens expire. */
  rotateSigningKey: RotateSigningKeyPayload;
  /** Revoke an attestation of the caller's tenant; attestationStatus reports it at once. */
  revokeAttestation: RevokeAttestationPayload;
  /** Subscribe a receiver URL to event types (TENANT_ADMIN; audited). Returns its signing secret once. */
  createWebhookSubscription: CreateWebhookSubscriptionPayload;
  /** Change a subscription's URL, description, event types or enabled state (TENANT_ADMIN; audited). */
  updateWebhookSubscription: WebhookSubscriptionPayload;
  /** Make a new signing secret, returned once; the previous one keeps signing for a while (TENANT_ADMIN; audited). */
  rotateWebhookSecret: RotateWebhookSecretPayload;
  /** Stop deliveries and destroy the secrets; the delivery log stays (TENANT_ADMIN; audited). */
  deleteWebhookSubscription: WebhookSubscriptionPayload;
  /** Queue a webhook.test delivery to an enabled subscription (OPERATOR). */
  testWebhookSubscription: TestWebhookSubscriptionPayload;
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


/** Write operations. */
export type MutationRegisterModelArgs = {
  input: RegisterModelInput;
};


/** Write operations. */
export type MutationCreateModelVersionArgs = {
  input: CreateModelVersionInput;
};


/** Write operations. */
export type MutationSetModelAliasArgs = {
  input: SetModelAliasInput;
};


/** Write operations. */
export type MutationRegisterModelSigningKeyArgs = {
  input: RegisterModelSigningKeyInput;
};


/** Write operations. */
export type MutationRevokeModelSigningKeyArgs = {
  input: RevokeModelSigningKeyInput;
};


/** Write operations. */
export type MutationAttachModelSignatureArgs = {
  input: AttachModelSignatureInput;
};


/** Write operations. */
export type MutationStartWatermarkArgs = {
  input: StartWatermarkInput;
};


/** Write operations. */
export type MutationEnrollEndpointArgs = {
  input: EnrollEndpointInput;
};


/** Write operations. */
export type MutationRegisterEndpointArgs = {
  input: RegisterEndpointInput;
};


/** Write operations. */
export type MutationUpdateEndpointArgs = {
  input: UpdateEndpointInput;
};


/** Write operations. */
export type MutationRemoveEndpointArgs = {
  input: RemoveEndpointInput;
};


/** Write operations. */
export type MutationCreateMonitorArgs = {
  input: CreateMonitorInput;
};


/** Write operations. */
export type MutationUpdateMonitorArgs = {
  input: UpdateMonitorInput;
};


/** Write operations. */
export type MutationDeleteMonitorArgs = {
  input: DeleteMonitorInput;
};


/** Write operations. */
export type MutationAcknowledgeAlertArgs = {
  input: AcknowledgeAlertInput;
};


/** Write operations. */
export type MutationCancelJobArgs = {
  input: CancelJobInput;
};


/** Write operations. */
export type MutationVerifyModelArgs = {
  input: VerifyModelInput;
};


/** Write operations. */
export type MutationCreateChallengeArgs = {
  input: CreateChallengeInput;
};


/** Write operations. */
export type MutationAnswerChallengeArgs = {
  input: AnswerChallengeInput;
};


/** Write operations. */
export type MutationRotateSigningKeyArgs = {
  input: RotateSigningKeyInput;
};


/** Write operations. */
export type MutationRevokeAttestationArgs = {
  input: RevokeAttestationInput;
};


/** Write operations. */
export type MutationCreateWebhookSubscriptionArgs = {
  input: CreateWebhookSubscriptionInput;
};


/** Write operations. */
export type MutationUpdateWebhookSubscriptionArgs = {
  input: UpdateWebhookSubscriptionInput;
};


/** Write operations. */
export type MutationRotateWebhookSecretArgs = {
  input: RotateWebhookSecretInput;
};


/** Write operations. */
export type MutationDeleteWebhookSubscriptionArgs = {
  input: WebhookSubscriptionIdInput;
};


/** Write operations. */
export type MutationTestWebhookSubscriptionArgs = {
  input: WebhookSubscriptionIdInput;
};

/**
 * Where a tenant's events are POSTed, signed as the Standard Webhooks specification says
 * (webhook-id, webhook-timestamp, webhook-signature). Managed by tenant admins.
 */
export type WebhookSubscription = {
  __typename?: 'WebhookSubscription';
  /** Subscription id. */
  id: Scalars['ID']['output'];
  /** The receiver: an http or https URL the egress policy allows. */
  url: Scalars['String']['output'];
  /** Free text, at most 500 characters. */
  description: Scalars['String']['output'];
  /** Event types delivered here: verification.completed, integrity.changed, alert.opened. */
  eventTypes: Array<Scalars['String']['output']>;
  /** Whether events are delivered; pending deliveries were cancelled when it was disabled. */
  enabled: Scalars['Boolean']['output'];
  /** Why the platform disabled it (the receiver answered 410 Gone); null otherwise. */
  disabledReason?: Maybe<Scalars['String']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When it last changed (a rotation included). */
  updatedAt: Scalars['DateTime']['output'];
  /** When it was deleted; its delivery log stays readable. */
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Its signing secrets, newest first: versions and expiries only, never a secret. */
  secrets: Array<WebhookSecretVersion>;
};

/** One signing secret of a subscription (never the secret itself). */
export type WebhookSecretVersion = {
  __typename?: 'WebhookSecretVersion';
  /** 1 for the first secret, one more at each rotation. */
  version: Scalars['Int']['output'];
  /** When it was made. */
  createdAt: Scalars['DateTime']['output'];
  /** Deliveries stop being signed with it at this time; null for the current secret. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Where a webhook delivery stands. */
export type WebhookDeliveryStatus =
  /** Waiting for its next attempt (or in one). */
  | 'PENDING'
  /** A 2xx answer. */
  | 'DELIVERED'
  /** Every attempt failed, or the receiver answered 410 Gone. */
  | 'FAILED'
  /** The subscription was disabled or deleted, the job cancelled, or the tenant deleted. */
  | 'CANCELLED';

/** One event sent to one subscription, with every attempt. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  /** Delivery id. */
  id: Scalars['ID']['output'];
  /** The subscription it goes to. */
  subscriptionId: Scalars['ID']['output'];
  /** The webhook-id header: the same on every attempt (receivers deduplicate by it). */
  webhookId: Scalars['String']['output'];
  /** The event type, e.g. verification.completed or webhook.test. */
  eventType: Scalars['String']['output'];
  /** The exact JSON body every attempt sends: {type, timestamp, data}. */
  payload: Scalars['String']['output'];
  /** Where it stands. */
  status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attemptCount: Scalars['Int']['output'];
  /** When the next attempt is due (PENDING only). */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the event happened. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was delivered, failed for good or was cancelled. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Every attempt, oldest first. */
  attempts: Array<WebhookAttempt>;
};

/** One HTTP attempt of a delivery. The answer's body is not kept beyond a short redacted snippet. */
export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  /** 1 for the first attempt. */
  number: Scalars['Int']['output'];
  /** When it started. */
  startedAt: Scalars['DateTime']['output'];
  /** How long it took, in milliseconds. */
  durationMs: Scalars['Int']['output'];
  /** HTTP status of the answer; null when none came (refused, unreachable, timed out). */
  statusCode?: Maybe<Scalars['Int']['output']>;
  /** Why it failed; null when it delivered. */
  error?: Maybe<Scalars['String']['output']>;
  /** At most 200 characters of the answer's body, control characters and secrets removed. */
  responseSnippet?: Maybe<Scalars['String']['output']>;
};

/** An edge in a WebhookDeliveryConnection. */
export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  /** Opaque cursor. */
  cursor: Scalars['String']['output'];
  /** The delivery. */
  node: WebhookDelivery;
};

/** A page of deliveries, newest first. */
export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  /** Deliveries on this page. */
  edges: Array<WebhookDeliveryEdge>;
  /** Where this page ends. */
  pageInfo: PageInfo;
  /** Number of deliveries matching the filter. */
  totalCount: Scalars['Int']['output'];
};

/** Filters for webhookDeliveries. */
export type WebhookDeliveryFilter = {
  /** Only deliveries in this status. */
  status?: InputMaybe<WebhookDeliveryStatus>;
};

/** Input of createWebhookSubscription. */
export type CreateWebhookSubscriptionInput = {
  /** The receiver: an absolute http(s) URL, at most 2048 characters, without user info, fragment or credentials in its query. */
  url: Scalars['String']['input'];
  /** Free text, at most 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Event types to deliver (at least one): verification.completed, integrity.changed, alert.opened. */
  eventTypes: Array<Scalars['String']['input']>;
  /** Whether to deliver from now on (default true). */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of createWebhookSubscription. */
export type CreateWebhookSubscriptionPayload = {
  __typename?: 'CreateWebhookSubscriptionPayload';
  /** The subscription. */
  subscription?: Maybe<WebhookSubscription>;
  /** Its signing secret (whsec_…), shown in this response only: store it with the receiver. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Why nothing was created; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of updateWebhookSubscription: only the fields given change. */
export type UpdateWebhookSubscriptionInput = {
  /** The subscription. */
  id: Scalars['ID']['input'];
  /** A new receiver URL (checked as at creation). */
  url?: InputMaybe<Scalars['String']['input']>;
  /** New free text. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New event types (at least one). */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** false cancels pending deliveries and stops new ones; true resumes (and clears disabledReason). */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of updateWebhookSubscription and deleteWebhookSubscription. */
export type WebhookSubscriptionPayload = {
  __typename?: 'WebhookSubscriptionPayload';
  /** The subscription after the change. */
  subscription?: Maybe<WebhookSubscription>;
  /** Why nothing changed; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of rotateWebhookSecret. */
export type RotateWebhookSecretInput = {
  /** The subscription. */
  id: Scalars['ID']['input'];
  /** Hours the current secret keeps signing beside the new one: 0 (stop now: a leaked secret) to 168; default 24. */
  previousSecretValidHours?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of rotateWebhookSecret. */
export type RotateWebhookSecretPayload = {
  __typename?: 'RotateWebhookSecretPayload';
  /** The subscription. */
  subscription?: Maybe<WebhookSubscription>;
  /** The new signing secret (whsec_…), shown in this response only. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Until when deliveries also carry a signature with the previous secret; null when it stopped at once. */
  previousSecretExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why nothing changed; empty on success. */
  userErrors: Array<UserError>;
};

/** Input of deleteWebhookSubscription and testWebhookSubscription. */
export type WebhookSubscriptionIdInput = {
  /** The subscription. */
  id: Scalars['ID']['input'];
};

/** Result of testWebhookSubscription. */
export type TestWebhookSubscriptionPayload = {
  __typename?: 'TestWebhookSubscriptionPayload';
  /** The queued webhook.test delivery; follow it in webhookDeliveries. */
  delivery?: Maybe<WebhookDelivery>;
  /** Why nothing was queued; empty on success. */
  userErrors: Array<UserError>;
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
  EndpointProtocol: EndpointProtocol;
  InputEncoding: InputEncoding;
  InputDomain: ResolverTypeWrapper<InputDomain>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  InputDomainInput: InputDomainInput;
  ServingProfile: ServingProfile;
  ModelVersionStatus: ModelVersionStatus;
  Model: ResolverTypeWrapper<ModelModel>;
  ModelAlias: ResolverTypeWrapper<ModelAliasModel>;
  Endpoint: ResolverTypeWrapper<Omit<Endpoint, 'monitor'> & { monitor?: Maybe<ResolversTypes['Monitor']> }>;
  ModelVersion: ResolverTypeWrapper<ModelVersionModel>;
  ModelSigningKeyAlgorithm: ModelSigningKeyAlgorithm;
  ModelSigningKey: ResolverTypeWrapper<ModelSigningKeyModel>;
  ModelSigningKeyEdge: ResolverTypeWrapper<Omit<ModelSigningKeyEdge, 'node'> & { node: ResolversTypes['ModelSigningKey'] }>;
  ModelSigningKeyConnection: ResolverTypeWrapper<Omit<ModelSigningKeyConnection, 'edges'> & { edges: Array<ResolversTypes['ModelSigningKeyEdge']> }>;
  ModelSigningKeyFilter: ModelSigningKeyFilter;
  ModelSignature: ResolverTypeWrapper<VerifiedSignature>;
  ModelEdge: ResolverTypeWrapper<Omit<ModelEdge, 'node'> & { node: ResolversTypes['Model'] }>;
  ModelConnection: ResolverTypeWrapper<Omit<ModelConnection, 'edges'> & { edges: Array<ResolversTypes['ModelEdge']> }>;
  ModelVersionEdge: ResolverTypeWrapper<Omit<ModelVersionEdge, 'node'> & { node: ResolversTypes['ModelVersion'] }>;
  ModelVersionConnection: ResolverTypeWrapper<Omit<ModelVersionConnection, 'edges'> & { edges: Array<ResolversTypes['ModelVersionEdge']> }>;
  ModelFilter: ModelFilter;
  JobKind: JobKind;
  JobStatus: JobStatus;
  Job: ResolverTypeWrapper<JobModel>;
  JobEdge: ResolverTypeWrapper<Omit<JobEdge, 'node'> & { node: ResolversTypes['Job'] }>;
  JobConnection: ResolverTypeWrapper<Omit<JobConnection, 'edges'> & { edges: Array<ResolversTypes['JobEdge']> }>;
  JobFilter: JobFilter;
  WatermarkStatus: WatermarkStatus;
  VerdictPolicy: ResolverTypeWrapper<VerdictPolicy>;
  WatermarkSelfCheck: ResolverTypeWrapper<WatermarkSelfCheck>;
  WarmStart: WarmStart;
  WatermarkStrengthLevel: WatermarkStrengthLevel;
  WatermarkStrength: ResolverTypeWrapper<WatermarkStrength>;
  Watermark: ResolverTypeWrapper<WatermarkModel>;
  WatermarkEdge: ResolverTypeWrapper<Omit<WatermarkEdge, 'node'> & { node: ResolversTypes['Watermark'] }>;
  WatermarkConnection: ResolverTypeWrapper<Omit<WatermarkConnection, 'edges'> & { edges: Array<ResolversTypes['WatermarkEdge']> }>;
  VerificationMode: VerificationMode;
  Verdict: Verdict;
  Attestation: ResolverTypeWrapper<AttestationModel>;
  DsseEnvelope: ResolverTypeWrapper<DsseEnvelope>;
  DsseSignature: ResolverTypeWrapper<DsseSignature>;
  AttestationStatus: ResolverTypeWrapper<AttestationStatus>;
  Verification: ResolverTypeWrapper<VerificationModel>;
  EnrollmentStatus: EnrollmentStatus;
  ObservedMargins: ResolverTypeWrapper<ObservedMargins>;
  EndpointEnrollment: ResolverTypeWrapper<EndpointEnrollmentModel>;
  EndpointEnrollmentEdge: ResolverTypeWrapper<Omit<EndpointEnrollmentEdge, 'node'> & { node: ResolversTypes['EndpointEnrollment'] }>;
  EndpointEnrollmentConnection: ResolverTypeWrapper<Omit<EndpointEnrollmentConnection, 'edges'> & { edges: Array<ResolversTypes['EndpointEnrollmentEdge']> }>;
  EnrollEndpointInput: EnrollEndpointInput;
  EnrollEndpointPayload: ResolverTypeWrapper<Omit<EnrollEndpointPayload, 'enrollment' | 'job' | 'userErrors'> & { enrollment?: Maybe<ResolversTypes['EndpointEnrollment']>, job?: Maybe<ResolversTypes['Job']>, userErrors: Array<ResolversTypes['UserError']> }>;
  VerificationEdge: ResolverTypeWrapper<Omit<VerificationEdge, 'node'> & { node: ResolversTypes['Verification'] }>;
  VerificationConnection: ResolverTypeWrapper<Omit<VerificationConnection, 'edges'> & { edges: Array<ResolversTypes['VerificationEdge']> }>;
  VerificationFilter: VerificationFilter;
  VerdictCounts: ResolverTypeWrapper<VerdictCounts>;
  ChallengeTriggers: ResolverTypeWrapper<ChallengeTriggers>;
  Challenge: ResolverTypeWrapper<ChallengeModel>;
  IntegrityState: IntegrityState;
  Monitor: ResolverTypeWrapper<MonitorModel>;
  IntegrityAlert: ResolverTypeWrapper<IntegrityAlertModel>;
  MonitorEdge: ResolverTypeWrapper<Omit<MonitorEdge, 'node'> & { node: ResolversTypes['Monitor'] }>;
  MonitorConnection: ResolverTypeWrapper<Omit<MonitorConnection, 'edges'> & { edges: Array<ResolversTypes['MonitorEdge']> }>;
  MonitorFilter: MonitorFilter;
  IntegrityAlertEdge: ResolverTypeWrapper<Omit<IntegrityAlertEdge, 'node'> & { node: ResolversTypes['IntegrityAlert'] }>;
  IntegrityAlertConnection: ResolverTypeWrapper<Omit<IntegrityAlertConnection, 'edges'> & { edges: Array<ResolversTypes['IntegrityAlertEdge']> }>;
  IntegrityAlertFilter: IntegrityAlertFilter;
  FleetReport: ResolverTypeWrapper<Omit<FleetReport, 'rows'> & { rows: Array<ResolversTypes['FleetReportRow']> }>;
  FleetReportRow: ResolverTypeWrapper<FleetReportRowModel>;
  FleetEvidence: ResolverTypeWrapper<FleetEvidence>;
  CreateMonitorInput: CreateMonitorInput;
  UpdateMonitorInput: UpdateMonitorInput;
  DeleteMonitorInput: DeleteMonitorInput;
  MonitorPayload: ResolverTypeWrapper<Omit<MonitorPayload, 'monitor' | 'userErrors'> & { monitor?: Maybe<ResolversTypes['Monitor']>, userErrors: Array<ResolversTypes['UserError']> }>;
  AcknowledgeAlertInput: AcknowledgeAlertInput;
  AcknowledgeAlertPayload: ResolverTypeWrapper<Omit<AcknowledgeAlertPayload, 'alert' | 'userErrors'> & { alert?: Maybe<ResolversTypes['IntegrityAlert']>, userErrors: Array<ResolversTypes['UserError']> }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  TenantFilter: TenantFilter;
  TenantConnection: ResolverTypeWrapper<Omit<TenantConnection, 'edges'> & { edges: Array<ResolversTypes['TenantEdge']> }>;
  TenantEdge: ResolverTypeWrapper<Omit<TenantEdge, 'node'> & { node: ResolversTypes['Tenant'] }>;
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: ResolverTypeWrapper<Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversTypes['Tenant']>, adminKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: ResolverTypeWrapper<Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: ResolverTypeWrapper<Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversTypes['ApiKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RotateTenantKeyInput: RotateTenantKeyInput;
  RotateTenantKeyPayload: ResolverTypeWrapper<Omit<RotateTenantKeyPayload, 'keyring' | 'job' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, job?: Maybe<ResolversTypes['Job']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RewrapTenantSecretsInput: RewrapTenantSecretsInput;
  RewrapTenantSecretsPayload: ResolverTypeWrapper<Omit<RewrapTenantSecretsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RetireTenantKeyVersionsInput: RetireTenantKeyVersionsInput;
  RetireTenantKeyVersionsPayload: ResolverTypeWrapper<Omit<RetireTenantKeyVersionsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversTypes['Keyring']>, userErrors: Array<ResolversTypes['UserError']> }>;
  DeleteTenantInput: DeleteTenantInput;
  DeleteTenantPayload: ResolverTypeWrapper<Omit<DeleteTenantPayload, 'tenant' | 'userErrors'> & { tenant?: Maybe<ResolversTypes['Tenant']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RegisterModelInput: RegisterModelInput;
  RegisterModelPayload: ResolverTypeWrapper<Omit<RegisterModelPayload, 'model' | 'userErrors'> & { model?: Maybe<ResolversTypes['Model']>, userErrors: Array<ResolversTypes['UserError']> }>;
  EndpointInput: EndpointInput;
  CreateModelVersionInput: CreateModelVersionInput;
  CreateModelVersionPayload: ResolverTypeWrapper<Omit<CreateModelVersionPayload, 'modelVersion' | 'userErrors'> & { modelVersion?: Maybe<ResolversTypes['ModelVersion']>, userErrors: Array<ResolversTypes['UserError']> }>;
  SetModelAliasInput: SetModelAliasInput;
  SetModelAliasPayload: ResolverTypeWrapper<Omit<SetModelAliasPayload, 'alias' | 'userErrors'> & { alias?: Maybe<ResolversTypes['ModelAlias']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RegisterModelSigningKeyInput: RegisterModelSigningKeyInput;
  RegisterModelSigningKeyPayload: ResolverTypeWrapper<Omit<RegisterModelSigningKeyPayload, 'signingKey' | 'userErrors'> & { signingKey?: Maybe<ResolversTypes['ModelSigningKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RevokeModelSigningKeyInput: RevokeModelSigningKeyInput;
  RevokeModelSigningKeyPayload: ResolverTypeWrapper<Omit<RevokeModelSigningKeyPayload, 'signingKey' | 'userErrors'> & { signingKey?: Maybe<ResolversTypes['ModelSigningKey']>, userErrors: Array<ResolversTypes['UserError']> }>;
  AttachModelSignatureInput: AttachModelSignatureInput;
  AttachModelSignaturePayload: ResolverTypeWrapper<Omit<AttachModelSignaturePayload, 'modelVersion' | 'userErrors'> & { modelVersion?: Maybe<ResolversTypes['ModelVersion']>, userErrors: Array<ResolversTypes['UserError']> }>;
  StartWatermarkInput: StartWatermarkInput;
  StartWatermarkPayload: ResolverTypeWrapper<Omit<StartWatermarkPayload, 'watermark' | 'job' | 'userErrors'> & { watermark?: Maybe<ResolversTypes['Watermark']>, job?: Maybe<ResolversTypes['Job']>, userErrors: Array<ResolversTypes['UserError']> }>;
  CancelJobInput: CancelJobInput;
  CancelJobPayload: ResolverTypeWrapper<Omit<CancelJobPayload, 'job' | 'userErrors'> & { job?: Maybe<ResolversTypes['Job']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RegisterEndpointInput: RegisterEndpointInput;
  EndpointPayload: ResolverTypeWrapper<Omit<EndpointPayload, 'endpoint' | 'userErrors'> & { endpoint?: Maybe<ResolversTypes['Endpoint']>, userErrors: Array<ResolversTypes['UserError']> }>;
  UpdateEndpointInput: UpdateEndpointInput;
  RemoveEndpointInput: RemoveEndpointInput;
  VerifyModelInput: VerifyModelInput;
  VerifyModelPayload: ResolverTypeWrapper<Omit<VerifyModelPayload, 'verification' | 'job' | 'userErrors'> & { verification?: Maybe<ResolversTypes['Verification']>, job?: Maybe<ResolversTypes['Job']>, userErrors: Array<ResolversTypes['UserError']> }>;
  CreateChallengeInput: CreateChallengeInput;
  CreateChallengePayload: ResolverTypeWrapper<Omit<CreateChallengePayload, 'challenge' | 'userErrors'> & { challenge?: Maybe<ResolversTypes['Challenge']>, userErrors: Array<ResolversTypes['UserError']> }>;
  AnswerChallengeInput: AnswerChallengeInput;
  AnswerChallengePayload: ResolverTypeWrapper<Omit<AnswerChallengePayload, 'verification' | 'userErrors'> & { verification?: Maybe<ResolversTypes['Verification']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RotateSigningKeyInput: RotateSigningKeyInput;
  RotateSigningKeyPayload: ResolverTypeWrapper<Omit<RotateSigningKeyPayload, 'userErrors'> & { userErrors: Array<ResolversTypes['UserError']> }>;
  RevokeAttestationInput: RevokeAttestationInput;
  RevokeAttestationPayload: ResolverTypeWrapper<Omit<RevokeAttestationPayload, 'attestation' | 'userErrors'> & { attestation?: Maybe<ResolversTypes['Attestation']>, userErrors: Array<ResolversTypes['UserError']> }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  WebhookSubscription: ResolverTypeWrapper<WebhookSubscriptionModel>;
  WebhookSecretVersion: ResolverTypeWrapper<WebhookSecretVersion>;
  WebhookDeliveryStatus: WebhookDeliveryStatus;
  WebhookDelivery: ResolverTypeWrapper<DeliveryWithAttempts>;
  WebhookAttempt: ResolverTypeWrapper<WebhookAttemptModel>;
  WebhookDeliveryEdge: ResolverTypeWrapper<Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversTypes['WebhookDelivery'] }>;
  WebhookDeliveryConnection: ResolverTypeWrapper<Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversTypes['WebhookDeliveryEdge']> }>;
  WebhookDeliveryFilter: WebhookDeliveryFilter;
  CreateWebhookSubscriptionInput: CreateWebhookSubscriptionInput;
  CreateWebhookSubscriptionPayload: ResolverTypeWrapper<Omit<CreateWebhookSubscriptionPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversTypes['WebhookSubscription']>, userErrors: Array<ResolversTypes['UserError']> }>;
  UpdateWebhookSubscriptionInput: UpdateWebhookSubscriptionInput;
  WebhookSubscriptionPayload: ResolverTypeWrapper<Omit<WebhookSubscriptionPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversTypes['WebhookSubscription']>, userErrors: Array<ResolversTypes['UserError']> }>;
  RotateWebhookSecretInput: RotateWebhookSecretInput;
  RotateWebhookSecretPayload: ResolverTypeWrapper<Omit<RotateWebhookSecretPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversTypes['WebhookSubscription']>, userErrors: Array<ResolversTypes['UserError']> }>;
  WebhookSubscriptionIdInput: WebhookSubscriptionIdInput;
  TestWebhookSubscriptionPayload: ResolverTypeWrapper<Omit<TestWebhookSubscriptionPayload, 'delivery' | 'userErrors'> & { delivery?: Maybe<ResolversTypes['WebhookDelivery']>, userErrors: Array<ResolversTypes['UserError']> }>;
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
  InputDomain: InputDomain;
  Float: Scalars['Float']['output'];
  InputDomainInput: InputDomainInput;
  Model: ModelModel;
  ModelAlias: ModelAliasModel;
  Endpoint: Omit<Endpoint, 'monitor'> & { monitor?: Maybe<ResolversParentTypes['Monitor']> };
  ModelVersion: ModelVersionModel;
  ModelSigningKey: ModelSigningKeyModel;
  ModelSigningKeyEdge: Omit<ModelSigningKeyEdge, 'node'> & { node: ResolversParentTypes['ModelSigningKey'] };
  ModelSigningKeyConnection: Omit<ModelSigningKeyConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModelSigningKeyEdge']> };
  ModelSigningKeyFilter: ModelSigningKeyFilter;
  ModelSignature: VerifiedSignature;
  ModelEdge: Omit<ModelEdge, 'node'> & { node: ResolversParentTypes['Model'] };
  ModelConnection: Omit<ModelConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModelEdge']> };
  ModelVersionEdge: Omit<ModelVersionEdge, 'node'> & { node: ResolversParentTypes['ModelVersion'] };
  ModelVersionConnection: Omit<ModelVersionConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModelVersionEdge']> };
  ModelFilter: ModelFilter;
  Job: JobModel;
  JobEdge: Omit<JobEdge, 'node'> & { node: ResolversParentTypes['Job'] };
  JobConnection: Omit<JobConnection, 'edges'> & { edges: Array<ResolversParentTypes['JobEdge']> };
  JobFilter: JobFilter;
  VerdictPolicy: VerdictPolicy;
  WatermarkSelfCheck: WatermarkSelfCheck;
  WatermarkStrength: WatermarkStrength;
  Watermark: WatermarkModel;
  WatermarkEdge: Omit<WatermarkEdge, 'node'> & { node: ResolversParentTypes['Watermark'] };
  WatermarkConnection: Omit<WatermarkConnection, 'edges'> & { edges: Array<ResolversParentTypes['WatermarkEdge']> };
  Attestation: AttestationModel;
  DsseEnvelope: DsseEnvelope;
  DsseSignature: DsseSignature;
  AttestationStatus: AttestationStatus;
  Verification: VerificationModel;
  ObservedMargins: ObservedMargins;
  EndpointEnrollment: EndpointEnrollmentModel;
  EndpointEnrollmentEdge: Omit<EndpointEnrollmentEdge, 'node'> & { node: ResolversParentTypes['EndpointEnrollment'] };
  EndpointEnrollmentConnection: Omit<EndpointEnrollmentConnection, 'edges'> & { edges: Array<ResolversParentTypes['EndpointEnrollmentEdge']> };
  EnrollEndpointInput: EnrollEndpointInput;
  EnrollEndpointPayload: Omit<EnrollEndpointPayload, 'enrollment' | 'job' | 'userErrors'> & { enrollment?: Maybe<ResolversParentTypes['EndpointEnrollment']>, job?: Maybe<ResolversParentTypes['Job']>, userErrors: Array<ResolversParentTypes['UserError']> };
  VerificationEdge: Omit<VerificationEdge, 'node'> & { node: ResolversParentTypes['Verification'] };
  VerificationConnection: Omit<VerificationConnection, 'edges'> & { edges: Array<ResolversParentTypes['VerificationEdge']> };
  VerificationFilter: VerificationFilter;
  VerdictCounts: VerdictCounts;
  ChallengeTriggers: ChallengeTriggers;
  Challenge: ChallengeModel;
  Monitor: MonitorModel;
  IntegrityAlert: IntegrityAlertModel;
  MonitorEdge: Omit<MonitorEdge, 'node'> & { node: ResolversParentTypes['Monitor'] };
  MonitorConnection: Omit<MonitorConnection, 'edges'> & { edges: Array<ResolversParentTypes['MonitorEdge']> };
  MonitorFilter: MonitorFilter;
  IntegrityAlertEdge: Omit<IntegrityAlertEdge, 'node'> & { node: ResolversParentTypes['IntegrityAlert'] };
  IntegrityAlertConnection: Omit<IntegrityAlertConnection, 'edges'> & { edges: Array<ResolversParentTypes['IntegrityAlertEdge']> };
  IntegrityAlertFilter: IntegrityAlertFilter;
  FleetReport: Omit<FleetReport, 'rows'> & { rows: Array<ResolversParentTypes['FleetReportRow']> };
  FleetReportRow: FleetReportRowModel;
  FleetEvidence: FleetEvidence;
  CreateMonitorInput: CreateMonitorInput;
  UpdateMonitorInput: UpdateMonitorInput;
  DeleteMonitorInput: DeleteMonitorInput;
  MonitorPayload: Omit<MonitorPayload, 'monitor' | 'userErrors'> & { monitor?: Maybe<ResolversParentTypes['Monitor']>, userErrors: Array<ResolversParentTypes['UserError']> };
  AcknowledgeAlertInput: AcknowledgeAlertInput;
  AcknowledgeAlertPayload: Omit<AcknowledgeAlertPayload, 'alert' | 'userErrors'> & { alert?: Maybe<ResolversParentTypes['IntegrityAlert']>, userErrors: Array<ResolversParentTypes['UserError']> };
  Query: Record<PropertyKey, never>;
  TenantFilter: TenantFilter;
  TenantConnection: Omit<TenantConnection, 'edges'> & { edges: Array<ResolversParentTypes['TenantEdge']> };
  TenantEdge: Omit<TenantEdge, 'node'> & { node: ResolversParentTypes['Tenant'] };
  CreateTenantInput: CreateTenantInput;
  CreateTenantPayload: Omit<CreateTenantPayload, 'tenant' | 'adminKey' | 'userErrors'> & { tenant?: Maybe<ResolversParentTypes['Tenant']>, adminKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  CreateApiKeyInput: CreateApiKeyInput;
  CreateApiKeyPayload: Omit<CreateApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RevokeApiKeyInput: RevokeApiKeyInput;
  RevokeApiKeyPayload: Omit<RevokeApiKeyPayload, 'apiKey' | 'userErrors'> & { apiKey?: Maybe<ResolversParentTypes['ApiKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RotateTenantKeyInput: RotateTenantKeyInput;
  RotateTenantKeyPayload: Omit<RotateTenantKeyPayload, 'keyring' | 'job' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, job?: Maybe<ResolversParentTypes['Job']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RewrapTenantSecretsInput: RewrapTenantSecretsInput;
  RewrapTenantSecretsPayload: Omit<RewrapTenantSecretsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RetireTenantKeyVersionsInput: RetireTenantKeyVersionsInput;
  RetireTenantKeyVersionsPayload: Omit<RetireTenantKeyVersionsPayload, 'keyring' | 'userErrors'> & { keyring?: Maybe<ResolversParentTypes['Keyring']>, userErrors: Array<ResolversParentTypes['UserError']> };
  DeleteTenantInput: DeleteTenantInput;
  DeleteTenantPayload: Omit<DeleteTenantPayload, 'tenant' | 'userErrors'> & { tenant?: Maybe<ResolversParentTypes['Tenant']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RegisterModelInput: RegisterModelInput;
  RegisterModelPayload: Omit<RegisterModelPayload, 'model' | 'userErrors'> & { model?: Maybe<ResolversParentTypes['Model']>, userErrors: Array<ResolversParentTypes['UserError']> };
  EndpointInput: EndpointInput;
  CreateModelVersionInput: CreateModelVersionInput;
  CreateModelVersionPayload: Omit<CreateModelVersionPayload, 'modelVersion' | 'userErrors'> & { modelVersion?: Maybe<ResolversParentTypes['ModelVersion']>, userErrors: Array<ResolversParentTypes['UserError']> };
  SetModelAliasInput: SetModelAliasInput;
  SetModelAliasPayload: Omit<SetModelAliasPayload, 'alias' | 'userErrors'> & { alias?: Maybe<ResolversParentTypes['ModelAlias']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RegisterModelSigningKeyInput: RegisterModelSigningKeyInput;
  RegisterModelSigningKeyPayload: Omit<RegisterModelSigningKeyPayload, 'signingKey' | 'userErrors'> & { signingKey?: Maybe<ResolversParentTypes['ModelSigningKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RevokeModelSigningKeyInput: RevokeModelSigningKeyInput;
  RevokeModelSigningKeyPayload: Omit<RevokeModelSigningKeyPayload, 'signingKey' | 'userErrors'> & { signingKey?: Maybe<ResolversParentTypes['ModelSigningKey']>, userErrors: Array<ResolversParentTypes['UserError']> };
  AttachModelSignatureInput: AttachModelSignatureInput;
  AttachModelSignaturePayload: Omit<AttachModelSignaturePayload, 'modelVersion' | 'userErrors'> & { modelVersion?: Maybe<ResolversParentTypes['ModelVersion']>, userErrors: Array<ResolversParentTypes['UserError']> };
  StartWatermarkInput: StartWatermarkInput;
  StartWatermarkPayload: Omit<StartWatermarkPayload, 'watermark' | 'job' | 'userErrors'> & { watermark?: Maybe<ResolversParentTypes['Watermark']>, job?: Maybe<ResolversParentTypes['Job']>, userErrors: Array<ResolversParentTypes['UserError']> };
  CancelJobInput: CancelJobInput;
  CancelJobPayload: Omit<CancelJobPayload, 'job' | 'userErrors'> & { job?: Maybe<ResolversParentTypes['Job']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RegisterEndpointInput: RegisterEndpointInput;
  EndpointPayload: Omit<EndpointPayload, 'endpoint' | 'userErrors'> & { endpoint?: Maybe<ResolversParentTypes['Endpoint']>, userErrors: Array<ResolversParentTypes['UserError']> };
  UpdateEndpointInput: UpdateEndpointInput;
  RemoveEndpointInput: RemoveEndpointInput;
  VerifyModelInput: VerifyModelInput;
  VerifyModelPayload: Omit<VerifyModelPayload, 'verification' | 'job' | 'userErrors'> & { verification?: Maybe<ResolversParentTypes['Verification']>, job?: Maybe<ResolversParentTypes['Job']>, userErrors: Array<ResolversParentTypes['UserError']> };
  CreateChallengeInput: CreateChallengeInput;
  CreateChallengePayload: Omit<CreateChallengePayload, 'challenge' | 'userErrors'> & { challenge?: Maybe<ResolversParentTypes['Challenge']>, userErrors: Array<ResolversParentTypes['UserError']> };
  AnswerChallengeInput: AnswerChallengeInput;
  AnswerChallengePayload: Omit<AnswerChallengePayload, 'verification' | 'userErrors'> & { verification?: Maybe<ResolversParentTypes['Verification']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RotateSigningKeyInput: RotateSigningKeyInput;
  RotateSigningKeyPayload: Omit<RotateSigningKeyPayload, 'userErrors'> & { userErrors: Array<ResolversParentTypes['UserError']> };
  RevokeAttestationInput: RevokeAttestationInput;
  RevokeAttestationPayload: Omit<RevokeAttestationPayload, 'attestation' | 'userErrors'> & { attestation?: Maybe<ResolversParentTypes['Attestation']>, userErrors: Array<ResolversParentTypes['UserError']> };
  Mutation: Record<PropertyKey, never>;
  WebhookSubscription: WebhookSubscriptionModel;
  WebhookSecretVersion: WebhookSecretVersion;
  WebhookDelivery: DeliveryWithAttempts;
  WebhookAttempt: WebhookAttemptModel;
  WebhookDeliveryEdge: Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversParentTypes['WebhookDelivery'] };
  WebhookDeliveryConnection: Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversParentTypes['WebhookDeliveryEdge']> };
  WebhookDeliveryFilter: WebhookDeliveryFilter;
  CreateWebhookSubscriptionInput: CreateWebhookSubscriptionInput;
  CreateWebhookSubscriptionPayload: Omit<CreateWebhookSubscriptionPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversParentTypes['WebhookSubscription']>, userErrors: Array<ResolversParentTypes['UserError']> };
  UpdateWebhookSubscriptionInput: UpdateWebhookSubscriptionInput;
  WebhookSubscriptionPayload: Omit<WebhookSubscriptionPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversParentTypes['WebhookSubscription']>, userErrors: Array<ResolversParentTypes['UserError']> };
  RotateWebhookSecretInput: RotateWebhookSecretInput;
  RotateWebhookSecretPayload: Omit<RotateWebhookSecretPayload, 'subscription' | 'userErrors'> & { subscription?: Maybe<ResolversParentTypes['WebhookSubscription']>, userErrors: Array<ResolversParentTypes['UserError']> };
  WebhookSubscriptionIdInput: WebhookSubscriptionIdInput;
  TestWebhookSubscriptionPayload: Omit<TestWebhookSubscriptionPayload, 'delivery' | 'userErrors'> & { delivery?: Maybe<ResolversParentTypes['WebhookDelivery']>, userErrors: Array<ResolversParentTypes['UserError']> };
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

export type InputDomainResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['InputDomain'] = ResolversParentTypes['InputDomain']> = {
  min?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  max?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  encoding?: Resolver<ResolversTypes['InputEncoding'], ParentType, ContextType>;
};

export type ModelResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Model'] = ResolversParentTypes['Model']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  versions?: Resolver<ResolversTypes['ModelVersionConnection'], ParentType, ContextType, Partial<ModelVersionsArgs>>;
  aliases?: Resolver<Array<ResolversTypes['ModelAlias']>, ParentType, ContextType>;
  latestVerification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  verificationCounts?: Resolver<ResolversTypes['VerdictCounts'], ParentType, ContextType>;
};

export type ModelAliasResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelAlias'] = ResolversParentTypes['ModelAlias']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type EndpointResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Endpoint'] = ResolversParentTypes['Endpoint']> = {
  id?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  registered?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  updatedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  removedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  protocol?: Resolver<ResolversTypes['EndpointProtocol'], ParentType, ContextType>;
  modelName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hasCredential?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  inputFormat?: Resolver<ResolversTypes['InputEncoding'], ParentType, ContextType>;
  monitor?: Resolver<Maybe<ResolversTypes['Monitor']>, ParentType, ContextType>;
};

export type ModelVersionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelVersion'] = ResolversParentTypes['ModelVersion']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ModelVersionStatus'], ParentType, ContextType>;
  format?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inputShape?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
  inputLayout?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  binaryOutput?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  numClasses?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  weightsDigest?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  artifactDigest?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  artifactBytes?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  uploadedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  uploadPath?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  endpoint?: Resolver<Maybe<ResolversTypes['Endpoint']>, ParentType, ContextType>;
  endpoints?: Resolver<Array<ResolversTypes['Endpoint']>, ParentType, ContextType>;
  monitors?: Resolver<Array<ResolversTypes['Monitor']>, ParentType, ContextType>;
  inputDomain?: Resolver<ResolversTypes['InputDomain'], ParentType, ContextType>;
  signature?: Resolver<Maybe<ResolversTypes['ModelSignature']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  model?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
  aliases?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  watermarks?: Resolver<ResolversTypes['WatermarkConnection'], ParentType, ContextType, Partial<ModelVersionWatermarksArgs>>;
  enrollments?: Resolver<ResolversTypes['EndpointEnrollmentConnection'], ParentType, ContextType, Partial<ModelVersionEnrollmentsArgs>>;
  latestVerification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  verificationCounts?: Resolver<ResolversTypes['VerdictCounts'], ParentType, ContextType>;
};

export type ModelSigningKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelSigningKey'] = ResolversParentTypes['ModelSigningKey']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  algorithm?: Resolver<ResolversTypes['ModelSigningKeyAlgorithm'], ParentType, ContextType>;
  publicKeyPem?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publicKeySha256?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type ModelSigningKeyEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelSigningKeyEdge'] = ResolversParentTypes['ModelSigningKeyEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ModelSigningKey'], ParentType, ContextType>;
};

export type ModelSigningKeyConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelSigningKeyConnection'] = ResolversParentTypes['ModelSigningKeyConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ModelSigningKeyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelSignatureResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelSignature'] = ResolversParentTypes['ModelSignature']> = {
  format?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signingKey?: Resolver<ResolversTypes['ModelSigningKey'], ParentType, ContextType>;
  publicKeySha256?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  verifiedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type ModelEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelEdge'] = ResolversParentTypes['ModelEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Model'], ParentType, ContextType>;
};

export type ModelConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelConnection'] = ResolversParentTypes['ModelConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ModelEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ModelVersionEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelVersionEdge'] = ResolversParentTypes['ModelVersionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
};

export type ModelVersionConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModelVersionConnection'] = ResolversParentTypes['ModelVersionConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ModelVersionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type JobResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Job'] = ResolversParentTypes['Job']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['JobKind'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['JobStatus'], ParentType, ContextType>;
  progress?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  handovers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  startedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  finishedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  watermark?: Resolver<Maybe<ResolversTypes['Watermark']>, ParentType, ContextType>;
  verification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  enrollment?: Resolver<Maybe<ResolversTypes['EndpointEnrollment']>, ParentType, ContextType>;
};

export type JobEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['JobEdge'] = ResolversParentTypes['JobEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Job'], ParentType, ContextType>;
};

export type JobConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['JobConnection'] = ResolversParentTypes['JobConnection']> = {
  edges?: Resolver<Array<ResolversTypes['JobEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type VerdictPolicyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VerdictPolicy'] = ResolversParentTypes['VerdictPolicy']> = {
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  maxMismatchFraction?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type WatermarkSelfCheckResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WatermarkSelfCheck'] = ResolversParentTypes['WatermarkSelfCheck']> = {
  accTri?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  digestUnchanged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  flipFractionUnderNoise?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  noiseStd?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  medianMargin?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  shareAtLimits?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  warmStart?: Resolver<Maybe<ResolversTypes['WarmStart']>, ParentType, ContextType>;
};

export type WatermarkStrengthResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WatermarkStrength'] = ResolversParentTypes['WatermarkStrength']> = {
  level?: Resolver<ResolversTypes['WatermarkStrengthLevel'], ParentType, ContextType>;
  reasons?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  triggers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  flipFractionUnderNoise?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  noiseStd?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  detectionFloor?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type WatermarkResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Watermark'] = ResolversParentTypes['Watermark']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WatermarkStatus'], ParentType, ContextType>;
  scheme?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  triggerCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  parameters?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  policy?: Resolver<ResolversTypes['VerdictPolicy'], ParentType, ContextType>;
  profile?: Resolver<ResolversTypes['ServingProfile'], ParentType, ContextType>;
  inputDomain?: Resolver<ResolversTypes['InputDomain'], ParentType, ContextType>;
  commitment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  backend?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  generationSteps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  selfCheck?: Resolver<Maybe<ResolversTypes['WatermarkSelfCheck']>, ParentType, ContextType>;
  strength?: Resolver<ResolversTypes['WatermarkStrength'], ParentType, ContextType>;
  allowWeak?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  readyAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
  job?: Resolver<ResolversTypes['Job'], ParentType, ContextType>;
  verifications?: Resolver<ResolversTypes['VerificationConnection'], ParentType, ContextType, Partial<WatermarkVerificationsArgs>>;
};

export type WatermarkEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WatermarkEdge'] = ResolversParentTypes['WatermarkEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Watermark'], ParentType, ContextType>;
};

export type WatermarkConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WatermarkConnection'] = ResolversParentTypes['WatermarkConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WatermarkEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AttestationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Attestation'] = ResolversParentTypes['Attestation']> = {
  jti?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  token?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  issuedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  revoked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  dsseEnvelope?: Resolver<Maybe<ResolversTypes['DsseEnvelope']>, ParentType, ContextType>;
  statement?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type DsseEnvelopeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DsseEnvelope'] = ResolversParentTypes['DsseEnvelope']> = {
  payload?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  payloadType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signatures?: Resolver<Array<ResolversTypes['DsseSignature']>, ParentType, ContextType>;
};

export type DsseSignatureResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DsseSignature'] = ResolversParentTypes['DsseSignature']> = {
  keyid?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sig?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AttestationStatusResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AttestationStatus'] = ResolversParentTypes['AttestationStatus']> = {
  jti?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  known?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  revoked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type VerificationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Verification'] = ResolversParentTypes['Verification']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['VerificationMode'], ParentType, ContextType>;
  verdict?: Resolver<ResolversTypes['Verdict'], ParentType, ContextType>;
  triggersQueried?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  triggersMatched?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  accTri?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  policy?: Resolver<ResolversTypes['VerdictPolicy'], ParentType, ContextType>;
  errorReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  monitor?: Resolver<Maybe<ResolversTypes['Monitor']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  completedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
  watermark?: Resolver<ResolversTypes['Watermark'], ParentType, ContextType>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
  attestation?: Resolver<Maybe<ResolversTypes['Attestation']>, ParentType, ContextType>;
  enrollment?: Resolver<Maybe<ResolversTypes['EndpointEnrollment']>, ParentType, ContextType>;
  triggersExcluded?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  endpoint?: Resolver<Maybe<ResolversTypes['Endpoint']>, ParentType, ContextType>;
  tlsCertificateSha256?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  checkedWeightsDigest?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  checkedArtifactDigest?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  weightsMatchRegistered?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
};

export type ObservedMarginsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ObservedMargins'] = ResolversParentTypes['ObservedMargins']> = {
  min?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  median?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type EndpointEnrollmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EndpointEnrollment'] = ResolversParentTypes['EndpointEnrollment']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['EnrollmentStatus'], ParentType, ContextType>;
  endpoint?: Resolver<ResolversTypes['Endpoint'], ParentType, ContextType>;
  rounds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  batchSizes?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
  maxUnstableShare?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  stableCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  unstableCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  mismatchedCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  observedMargins?: Resolver<Maybe<ResolversTypes['ObservedMargins']>, ParentType, ContextType>;
  errorReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  completedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  watermark?: Resolver<ResolversTypes['Watermark'], ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
  job?: Resolver<ResolversTypes['Job'], ParentType, ContextType>;
};

export type EndpointEnrollmentEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EndpointEnrollmentEdge'] = ResolversParentTypes['EndpointEnrollmentEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['EndpointEnrollment'], ParentType, ContextType>;
};

export type EndpointEnrollmentConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EndpointEnrollmentConnection'] = ResolversParentTypes['EndpointEnrollmentConnection']> = {
  edges?: Resolver<Array<ResolversTypes['EndpointEnrollmentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EnrollEndpointPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EnrollEndpointPayload'] = ResolversParentTypes['EnrollEndpointPayload']> = {
  enrollment?: Resolver<Maybe<ResolversTypes['EndpointEnrollment']>, ParentType, ContextType>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type VerificationEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VerificationEdge'] = ResolversParentTypes['VerificationEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Verification'], ParentType, ContextType>;
};

export type VerificationConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VerificationConnection'] = ResolversParentTypes['VerificationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['VerificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type VerdictCountsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VerdictCounts'] = ResolversParentTypes['VerdictCounts']> = {
  intact?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tampered?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  pending?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ChallengeTriggersResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ChallengeTriggers'] = ResolversParentTypes['ChallengeTriggers']> = {
  shape?: Resolver<Array<ResolversTypes['Int']>, ParentType, ContextType>;
  data?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  encoding?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ChallengeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Challenge'] = ResolversParentTypes['Challenge']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  size?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  answeredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type MonitorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Monitor'] = ResolversParentTypes['Monitor']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['VerificationMode'], ParentType, ContextType>;
  modelVersion?: Resolver<ResolversTypes['ModelVersion'], ParentType, ContextType>;
  endpoint?: Resolver<Maybe<ResolversTypes['Endpoint']>, ParentType, ContextType>;
  intervalSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  cron?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  jitterSeconds?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  triggerSample?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  paused?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  nextRunAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  lastRunAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastRunError?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['IntegrityState'], ParentType, ContextType>;
  stateSince?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  consecutiveErrors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastCheckedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  lastVerification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  runs?: Resolver<ResolversTypes['VerificationConnection'], ParentType, ContextType, Partial<MonitorRunsArgs>>;
  alerts?: Resolver<ResolversTypes['IntegrityAlertConnection'], ParentType, ContextType, Partial<MonitorAlertsArgs>>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
};

export type IntegrityAlertResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['IntegrityAlert'] = ResolversParentTypes['IntegrityAlert']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  monitor?: Resolver<ResolversTypes['Monitor'], ParentType, ContextType>;
  previousState?: Resolver<ResolversTypes['IntegrityState'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['IntegrityState'], ParentType, ContextType>;
  verification?: Resolver<ResolversTypes['Verification'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  acknowledged?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  acknowledgedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  acknowledgedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MonitorEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MonitorEdge'] = ResolversParentTypes['MonitorEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Monitor'], ParentType, ContextType>;
};

export type MonitorConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MonitorConnection'] = ResolversParentTypes['MonitorConnection']> = {
  edges?: Resolver<Array<ResolversTypes['MonitorEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type IntegrityAlertEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['IntegrityAlertEdge'] = ResolversParentTypes['IntegrityAlertEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['IntegrityAlert'], ParentType, ContextType>;
};

export type IntegrityAlertConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['IntegrityAlertConnection'] = ResolversParentTypes['IntegrityAlertConnection']> = {
  edges?: Resolver<Array<ResolversTypes['IntegrityAlertEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FleetReportResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FleetReport'] = ResolversParentTypes['FleetReport']> = {
  since?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  until?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  rows?: Resolver<Array<ResolversTypes['FleetReportRow']>, ParentType, ContextType>;
};

export type FleetReportRowResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FleetReportRow'] = ResolversParentTypes['FleetReportRow']> = {
  monitor?: Resolver<ResolversTypes['Monitor'], ParentType, ContextType>;
  checks?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  intact?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tampered?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  healthyShare?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  openAlerts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  evidence?: Resolver<Array<ResolversTypes['FleetEvidence']>, ParentType, ContextType>;
};

export type FleetEvidenceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FleetEvidence'] = ResolversParentTypes['FleetEvidence']> = {
  verificationId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  verdict?: Resolver<ResolversTypes['Verdict'], ParentType, ContextType>;
  completedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attestationId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type MonitorPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MonitorPayload'] = ResolversParentTypes['MonitorPayload']> = {
  monitor?: Resolver<Maybe<ResolversTypes['Monitor']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type AcknowledgeAlertPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AcknowledgeAlertPayload'] = ResolversParentTypes['AcknowledgeAlertPayload']> = {
  alert?: Resolver<Maybe<ResolversTypes['IntegrityAlert']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
  tenants?: Resolver<ResolversTypes['TenantConnection'], ParentType, ContextType, Partial<QueryTenantsArgs>>;
  apiKeys?: Resolver<ResolversTypes['ApiKeyConnection'], ParentType, ContextType, Partial<QueryApiKeysArgs>>;
  auditEvents?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, Partial<QueryAuditEventsArgs>>;
  models?: Resolver<ResolversTypes['ModelConnection'], ParentType, ContextType, Partial<QueryModelsArgs>>;
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType, RequireFields<QueryModelArgs, 'id'>>;
  modelSigningKeys?: Resolver<ResolversTypes['ModelSigningKeyConnection'], ParentType, ContextType, Partial<QueryModelSigningKeysArgs>>;
  modelVersion?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType, RequireFields<QueryModelVersionArgs, 'id'>>;
  watermark?: Resolver<Maybe<ResolversTypes['Watermark']>, ParentType, ContextType, RequireFields<QueryWatermarkArgs, 'id'>>;
  endpointEnrollment?: Resolver<Maybe<ResolversTypes['EndpointEnrollment']>, ParentType, ContextType, RequireFields<QueryEndpointEnrollmentArgs, 'id'>>;
  monitors?: Resolver<ResolversTypes['MonitorConnection'], ParentType, ContextType, Partial<QueryMonitorsArgs>>;
  monitor?: Resolver<Maybe<ResolversTypes['Monitor']>, ParentType, ContextType, RequireFields<QueryMonitorArgs, 'id'>>;
  integrityAlerts?: Resolver<ResolversTypes['IntegrityAlertConnection'], ParentType, ContextType, Partial<QueryIntegrityAlertsArgs>>;
  fleetReport?: Resolver<ResolversTypes['FleetReport'], ParentType, ContextType, RequireFields<QueryFleetReportArgs, 'since'>>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType, RequireFields<QueryJobArgs, 'id'>>;
  jobs?: Resolver<ResolversTypes['JobConnection'], ParentType, ContextType, Partial<QueryJobsArgs>>;
  verification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType, RequireFields<QueryVerificationArgs, 'id'>>;
  verifications?: Resolver<ResolversTypes['VerificationConnection'], ParentType, ContextType, Partial<QueryVerificationsArgs>>;
  attestationStatus?: Resolver<ResolversTypes['AttestationStatus'], ParentType, ContextType, RequireFields<QueryAttestationStatusArgs, 'jti'>>;
  webhookSubscriptions?: Resolver<Array<ResolversTypes['WebhookSubscription']>, ParentType, ContextType>;
  webhookSubscription?: Resolver<Maybe<ResolversTypes['WebhookSubscription']>, ParentType, ContextType, RequireFields<QueryWebhookSubscriptionArgs, 'id'>>;
  webhookDeliveries?: Resolver<ResolversTypes['WebhookDeliveryConnection'], ParentType, ContextType, RequireFields<QueryWebhookDeliveriesArgs, 'subscriptionId'>>;
};

export type TenantConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TenantConnection'] = ResolversParentTypes['TenantConnection']> = {
  edges?: Resolver<Array<ResolversTypes['TenantEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type TenantEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TenantEdge'] = ResolversParentTypes['TenantEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Tenant'], ParentType, ContextType>;
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
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
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
  cancelledJobs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RegisterModelPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RegisterModelPayload'] = ResolversParentTypes['RegisterModelPayload']> = {
  model?: Resolver<Maybe<ResolversTypes['Model']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type CreateModelVersionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateModelVersionPayload'] = ResolversParentTypes['CreateModelVersionPayload']> = {
  modelVersion?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type SetModelAliasPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SetModelAliasPayload'] = ResolversParentTypes['SetModelAliasPayload']> = {
  alias?: Resolver<Maybe<ResolversTypes['ModelAlias']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RegisterModelSigningKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RegisterModelSigningKeyPayload'] = ResolversParentTypes['RegisterModelSigningKeyPayload']> = {
  signingKey?: Resolver<Maybe<ResolversTypes['ModelSigningKey']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RevokeModelSigningKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokeModelSigningKeyPayload'] = ResolversParentTypes['RevokeModelSigningKeyPayload']> = {
  signingKey?: Resolver<Maybe<ResolversTypes['ModelSigningKey']>, ParentType, ContextType>;
  withdrawnSignatures?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type AttachModelSignaturePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AttachModelSignaturePayload'] = ResolversParentTypes['AttachModelSignaturePayload']> = {
  modelVersion?: Resolver<Maybe<ResolversTypes['ModelVersion']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type StartWatermarkPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StartWatermarkPayload'] = ResolversParentTypes['StartWatermarkPayload']> = {
  watermark?: Resolver<Maybe<ResolversTypes['Watermark']>, ParentType, ContextType>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type CancelJobPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CancelJobPayload'] = ResolversParentTypes['CancelJobPayload']> = {
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type EndpointPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EndpointPayload'] = ResolversParentTypes['EndpointPayload']> = {
  endpoint?: Resolver<Maybe<ResolversTypes['Endpoint']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type VerifyModelPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VerifyModelPayload'] = ResolversParentTypes['VerifyModelPayload']> = {
  verification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  job?: Resolver<Maybe<ResolversTypes['Job']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type CreateChallengePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateChallengePayload'] = ResolversParentTypes['CreateChallengePayload']> = {
  challenge?: Resolver<Maybe<ResolversTypes['Challenge']>, ParentType, ContextType>;
  triggers?: Resolver<Maybe<ResolversTypes['ChallengeTriggers']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type AnswerChallengePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnswerChallengePayload'] = ResolversParentTypes['AnswerChallengePayload']> = {
  verification?: Resolver<Maybe<ResolversTypes['Verification']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RotateSigningKeyPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RotateSigningKeyPayload'] = ResolversParentTypes['RotateSigningKeyPayload']> = {
  kid?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RevokeAttestationPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RevokeAttestationPayload'] = ResolversParentTypes['RevokeAttestationPayload']> = {
  attestation?: Resolver<Maybe<ResolversTypes['Attestation']>, ParentType, ContextType>;
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
  registerModel?: Resolver<ResolversTypes['RegisterModelPayload'], ParentType, ContextType, RequireFields<MutationRegisterModelArgs, 'input'>>;
  createModelVersion?: Resolver<ResolversTypes['CreateModelVersionPayload'], ParentType, ContextType, RequireFields<MutationCreateModelVersionArgs, 'input'>>;
  setModelAlias?: Resolver<ResolversTypes['SetModelAliasPayload'], ParentType, ContextType, RequireFields<MutationSetModelAliasArgs, 'input'>>;
  registerModelSigningKey?: Resolver<ResolversTypes['RegisterModelSigningKeyPayload'], ParentType, ContextType, RequireFields<MutationRegisterModelSigningKeyArgs, 'input'>>;
  revokeModelSigningKey?: Resolver<ResolversTypes['RevokeModelSigningKeyPayload'], ParentType, ContextType, RequireFields<MutationRevokeModelSigningKeyArgs, 'input'>>;
  attachModelSignature?: Resolver<ResolversTypes['AttachModelSignaturePayload'], ParentType, ContextType, RequireFields<MutationAttachModelSignatureArgs, 'input'>>;
  startWatermark?: Resolver<ResolversTypes['StartWatermarkPayload'], ParentType, ContextType, RequireFields<MutationStartWatermarkArgs, 'input'>>;
  enrollEndpoint?: Resolver<ResolversTypes['EnrollEndpointPayload'], ParentType, ContextType, RequireFields<MutationEnrollEndpointArgs, 'input'>>;
  registerEndpoint?: Resolver<ResolversTypes['EndpointPayload'], ParentType, ContextType, RequireFields<MutationRegisterEndpointArgs, 'input'>>;
  updateEndpoint?: Resolver<ResolversTypes['EndpointPayload'], ParentType, ContextType, RequireFields<MutationUpdateEndpointArgs, 'input'>>;
  removeEndpoint?: Resolver<ResolversTypes['EndpointPayload'], ParentType, ContextType, RequireFields<MutationRemoveEndpointArgs, 'input'>>;
  createMonitor?: Resolver<ResolversTypes['MonitorPayload'], ParentType, ContextType, RequireFields<MutationCreateMonitorArgs, 'input'>>;
  updateMonitor?: Resolver<ResolversTypes['MonitorPayload'], ParentType, ContextType, RequireFields<MutationUpdateMonitorArgs, 'input'>>;
  deleteMonitor?: Resolver<ResolversTypes['MonitorPayload'], ParentType, ContextType, RequireFields<MutationDeleteMonitorArgs, 'input'>>;
  acknowledgeAlert?: Resolver<ResolversTypes['AcknowledgeAlertPayload'], ParentType, ContextType, RequireFields<MutationAcknowledgeAlertArgs, 'input'>>;
  cancelJob?: Resolver<ResolversTypes['CancelJobPayload'], ParentType, ContextType, RequireFields<MutationCancelJobArgs, 'input'>>;
  verifyModel?: Resolver<ResolversTypes['VerifyModelPayload'], ParentType, ContextType, RequireFields<MutationVerifyModelArgs, 'input'>>;
  createChallenge?: Resolver<ResolversTypes['CreateChallengePayload'], ParentType, ContextType, RequireFields<MutationCreateChallengeArgs, 'input'>>;
  answerChallenge?: Resolver<ResolversTypes['AnswerChallengePayload'], ParentType, ContextType, RequireFields<MutationAnswerChallengeArgs, 'input'>>;
  rotateSigningKey?: Resolver<ResolversTypes['RotateSigningKeyPayload'], ParentType, ContextType, RequireFields<MutationRotateSigningKeyArgs, 'input'>>;
  revokeAttestation?: Resolver<ResolversTypes['RevokeAttestationPayload'], ParentType, ContextType, RequireFields<MutationRevokeAttestationArgs, 'input'>>;
  createWebhookSubscription?: Resolver<ResolversTypes['CreateWebhookSubscriptionPayload'], ParentType, ContextType, RequireFields<MutationCreateWebhookSubscriptionArgs, 'input'>>;
  updateWebhookSubscription?: Resolver<ResolversTypes['WebhookSubscriptionPayload'], ParentType, ContextType, RequireFields<MutationUpdateWebhookSubscriptionArgs, 'input'>>;
  rotateWebhookSecret?: Resolver<ResolversTypes['RotateWebhookSecretPayload'], ParentType, ContextType, RequireFields<MutationRotateWebhookSecretArgs, 'input'>>;
  deleteWebhookSubscription?: Resolver<ResolversTypes['WebhookSubscriptionPayload'], ParentType, ContextType, RequireFields<MutationDeleteWebhookSubscriptionArgs, 'input'>>;
  testWebhookSubscription?: Resolver<ResolversTypes['TestWebhookSubscriptionPayload'], ParentType, ContextType, RequireFields<MutationTestWebhookSubscriptionArgs, 'input'>>;
};

export type WebhookSubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookSubscription'] = ResolversParentTypes['WebhookSubscription']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventTypes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  disabledReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deletedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  secrets?: Resolver<Array<ResolversTypes['WebhookSecretVersion']>, ParentType, ContextType>;
};

export type WebhookSecretVersionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookSecretVersion'] = ResolversParentTypes['WebhookSecretVersion']> = {
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
};

export type WebhookDeliveryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookDelivery'] = ResolversParentTypes['WebhookDelivery']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  subscriptionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  webhookId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  payload?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['WebhookDeliveryStatus'], ParentType, ContextType>;
  attemptCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  completedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  attempts?: Resolver<Array<ResolversTypes['WebhookAttempt']>, ParentType, ContextType>;
};

export type WebhookAttemptResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookAttempt'] = ResolversParentTypes['WebhookAttempt']> = {
  number?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  startedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  durationMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  statusCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  responseSnippet?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type WebhookDeliveryEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookDeliveryEdge'] = ResolversParentTypes['WebhookDeliveryEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WebhookDelivery'], ParentType, ContextType>;
};

export type WebhookDeliveryConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookDeliveryConnection'] = ResolversParentTypes['WebhookDeliveryConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WebhookDeliveryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type CreateWebhookSubscriptionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CreateWebhookSubscriptionPayload'] = ResolversParentTypes['CreateWebhookSubscriptionPayload']> = {
  subscription?: Resolver<Maybe<ResolversTypes['WebhookSubscription']>, ParentType, ContextType>;
  secret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type WebhookSubscriptionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WebhookSubscriptionPayload'] = ResolversParentTypes['WebhookSubscriptionPayload']> = {
  subscription?: Resolver<Maybe<ResolversTypes['WebhookSubscription']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type RotateWebhookSecretPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RotateWebhookSecretPayload'] = ResolversParentTypes['RotateWebhookSecretPayload']> = {
  subscription?: Resolver<Maybe<ResolversTypes['WebhookSubscription']>, ParentType, ContextType>;
  secret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  previousSecretExpiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type TestWebhookSubscriptionPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TestWebhookSubscriptionPayload'] = ResolversParentTypes['TestWebhookSubscriptionPayload']> = {
  delivery?: Resolver<Maybe<ResolversTypes['WebhookDelivery']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
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
  InputDomain?: InputDomainResolvers<ContextType>;
  Model?: ModelResolvers<ContextType>;
  ModelAlias?: ModelAliasResolvers<ContextType>;
  Endpoint?: EndpointResolvers<ContextType>;
  ModelVersion?: ModelVersionResolvers<ContextType>;
  ModelSigningKey?: ModelSigningKeyResolvers<ContextType>;
  ModelSigningKeyEdge?: ModelSigningKeyEdgeResolvers<ContextType>;
  ModelSigningKeyConnection?: ModelSigningKeyConnectionResolvers<ContextType>;
  ModelSignature?: ModelSignatureResolvers<ContextType>;
  ModelEdge?: ModelEdgeResolvers<ContextType>;
  ModelConnection?: ModelConnectionResolvers<ContextType>;
  ModelVersionEdge?: ModelVersionEdgeResolvers<ContextType>;
  ModelVersionConnection?: ModelVersionConnectionResolvers<ContextType>;
  Job?: JobResolvers<ContextType>;
  JobEdge?: JobEdgeResolvers<ContextType>;
  JobConnection?: JobConnectionResolvers<ContextType>;
  VerdictPolicy?: VerdictPolicyResolvers<ContextType>;
  WatermarkSelfCheck?: WatermarkSelfCheckResolvers<ContextType>;
  WatermarkStrength?: WatermarkStrengthResolvers<ContextType>;
  Watermark?: WatermarkResolvers<ContextType>;
  WatermarkEdge?: WatermarkEdgeResolvers<ContextType>;
  WatermarkConnection?: WatermarkConnectionResolvers<ContextType>;
  Attestation?: AttestationResolvers<ContextType>;
  DsseEnvelope?: DsseEnvelopeResolvers<ContextType>;
  DsseSignature?: DsseSignatureResolvers<ContextType>;
  AttestationStatus?: AttestationStatusResolvers<ContextType>;
  Verification?: VerificationResolvers<ContextType>;
  ObservedMargins?: ObservedMarginsResolvers<ContextType>;
  EndpointEnrollment?: EndpointEnrollmentResolvers<ContextType>;
  EndpointEnrollmentEdge?: EndpointEnrollmentEdgeResolvers<ContextType>;
  EndpointEnrollmentConnection?: EndpointEnrollmentConnectionResolvers<ContextType>;
  EnrollEndpointPayload?: EnrollEndpointPayloadResolvers<ContextType>;
  VerificationEdge?: VerificationEdgeResolvers<ContextType>;
  VerificationConnection?: VerificationConnectionResolvers<ContextType>;
  VerdictCounts?: VerdictCountsResolvers<ContextType>;
  ChallengeTriggers?: ChallengeTriggersResolvers<ContextType>;
  Challenge?: ChallengeResolvers<ContextType>;
  Monitor?: MonitorResolvers<ContextType>;
  IntegrityAlert?: IntegrityAlertResolvers<ContextType>;
  MonitorEdge?: MonitorEdgeResolvers<ContextType>;
  MonitorConnection?: MonitorConnectionResolvers<ContextType>;
  IntegrityAlertEdge?: IntegrityAlertEdgeResolvers<ContextType>;
  IntegrityAlertConnection?: IntegrityAlertConnectionResolvers<ContextType>;
  FleetReport?: FleetReportResolvers<ContextType>;
  FleetReportRow?: FleetReportRowResolvers<ContextType>;
  FleetEvidence?: FleetEvidenceResolvers<ContextType>;
  MonitorPayload?: MonitorPayloadResolvers<ContextType>;
  AcknowledgeAlertPayload?: AcknowledgeAlertPayloadResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  TenantConnection?: TenantConnectionResolvers<ContextType>;
  TenantEdge?: TenantEdgeResolvers<ContextType>;
  CreateTenantPayload?: CreateTenantPayloadResolvers<ContextType>;
  CreateApiKeyPayload?: CreateApiKeyPayloadResolvers<ContextType>;
  RevokeApiKeyPayload?: RevokeApiKeyPayloadResolvers<ContextType>;
  RotateTenantKeyPayload?: RotateTenantKeyPayloadResolvers<ContextType>;
  RewrapTenantSecretsPayload?: RewrapTenantSecretsPayloadResolvers<ContextType>;
  RetireTenantKeyVersionsPayload?: RetireTenantKeyVersionsPayloadResolvers<ContextType>;
  DeleteTenantPayload?: DeleteTenantPayloadResolvers<ContextType>;
  RegisterModelPayload?: RegisterModelPayloadResolvers<ContextType>;
  CreateModelVersionPayload?: CreateModelVersionPayloadResolvers<ContextType>;
  SetModelAliasPayload?: SetModelAliasPayloadResolvers<ContextType>;
  RegisterModelSigningKeyPayload?: RegisterModelSigningKeyPayloadResolvers<ContextType>;
  RevokeModelSigningKeyPayload?: RevokeModelSigningKeyPayloadResolvers<ContextType>;
  AttachModelSignaturePayload?: AttachModelSignaturePayloadResolvers<ContextType>;
  StartWatermarkPayload?: StartWatermarkPayloadResolvers<ContextType>;
  CancelJobPayload?: CancelJobPayloadResolvers<ContextType>;
  EndpointPayload?: EndpointPayloadResolvers<ContextType>;
  VerifyModelPayload?: VerifyModelPayloadResolvers<ContextType>;
  CreateChallengePayload?: CreateChallengePayloadResolvers<ContextType>;
  AnswerChallengePayload?: AnswerChallengePayloadResolvers<ContextType>;
  RotateSigningKeyPayload?: RotateSigningKeyPayloadResolvers<ContextType>;
  RevokeAttestationPayload?: RevokeAttestationPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  WebhookSubscription?: WebhookSubscriptionResolvers<ContextType>;
  WebhookSecretVersion?: WebhookSecretVersionResolvers<ContextType>;
  WebhookDelivery?: WebhookDeliveryResolvers<ContextType>;
  WebhookAttempt?: WebhookAttemptResolvers<ContextType>;
  WebhookDeliveryEdge?: WebhookDeliveryEdgeResolvers<ContextType>;
  WebhookDeliveryConnection?: WebhookDeliveryConnectionResolvers<ContextType>;
  CreateWebhookSubscriptionPayload?: CreateWebhookSubscriptionPayloadResolvers<ContextType>;
  WebhookSubscriptionPayload?: WebhookSubscriptionPayloadResolvers<ContextType>;
  RotateWebhookSecretPayload?: RotateWebhookSecretPayloadResolvers<ContextType>;
  TestWebhookSubscriptionPayload?: TestWebhookSubscriptionPayloadResolvers<ContextType>;
};

