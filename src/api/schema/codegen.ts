/**
 * Resolver types from schema.graphql, so schema and code cannot drift: a resolver that returns
 * the wrong shape or misses an argument fails `npm run typecheck`, and a stale generated file
 * fails the test suite.
 */
import { codegen } from '@graphql-codegen/core';
import * as typescriptPlugin from '@graphql-codegen/typescript';
import * as resolversPlugin from '@graphql-codegen/typescript-resolvers';
import { parse } from 'graphql';
import { readSchemaSdl } from './schema.ts';

export const GENERATED_TYPES_PATH = new URL('../generated/graphql.ts', import.meta.url);

export async function generateGraphQLTypes(): Promise<string> {
  const body = await codegen({
    filename: 'src/api/generated/graphql.ts',
    schema: parse(readSchemaSdl()),
    documents: [],
    config: {
      useTypeImports: true,
      enumsAsTypes: true,
      scalars: { DateTime: 'Date', ID: 'string' },
      contextType: '../context.ts#GraphQLContext',
      mappers: {
        ApiKey: '../../db/generated/client.ts#ApiKey as ApiKeyModel',
        Tenant: '../../db/generated/client.ts#Tenant as TenantModel',
        Viewer: '../resolvers/viewer.ts#ViewerParent',
        AuditEvent: '../../db/generated/client.ts#AuditEvent as AuditEventModel',
        Keyring: '../../vault/vault.ts#KeyringStatus',
        Model: '../../db/generated/client.ts#Model as ModelModel',
        ModelVersion: '../../db/generated/client.ts#ModelVersion as ModelVersionModel',
        ModelAlias: '../../db/generated/client.ts#ModelAlias as ModelAliasModel',
        Job: '../../db/generated/client.ts#Job as JobModel',
        Watermark: '../../db/generated/client.ts#Watermark as WatermarkModel',
        Verification: '../../db/generated/client.ts#Verification as VerificationModel',
        Attestation: '../../db/generated/client.ts#Attestation as AttestationModel',
        Challenge: '../../db/generated/client.ts#Challenge as ChallengeModel',
        EndpointEnrollment: '../../db/generated/client.ts#EndpointEnrollment as EndpointEnrollmentModel',
        ModelSigningKey: '../../db/generated/client.ts#ModelSigningKey as ModelSigningKeyModel',
        ModelSignature: '../../registry/model-signing/verified-signature.ts#VerifiedSignature',
        WebhookSubscription: '../../db/generated/client.ts#WebhookSubscription as WebhookSubscriptionModel',
        WebhookDelivery: '../../webhooks/webhook-subscriptions.service.ts#DeliveryWithAttempts',
        WebhookAttempt: '../../db/generated/client.ts#WebhookAttempt as WebhookAttemptModel',
        Monitor: '../../db/generated/client.ts#Monitor as MonitorModel',
        IntegrityAlert: '../../db/generated/client.ts#IntegrityAlert as IntegrityAlertModel',
        FleetReportRow: '../../monitoring/fleet-report.ts#FleetReportRow as FleetReportRowModel',
      },
      resolversNonOptionalTypename: { interfaceImplementingType: true, unionMember: true },
    },
    plugins: [{ typescript: {} }, { 'typescript-resolvers': {} }],
    pluginMap: { typescript: typescriptPlugin, 'typescript-resolvers': resolversPlugin },
  });
  return `/* Generated from schema.graphql by scripts/generate-graphql-types.ts. Do not edit. */\n${body}`;
}
