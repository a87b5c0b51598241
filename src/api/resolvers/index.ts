import type { Resolvers } from '../generated/graphql.ts';
import { apiKeyResolvers } from './api-keys.ts';
import { DateTimeScalar } from './scalars.ts';
import { tenantResolvers } from './tenants.ts';
import { viewerResolvers } from './viewer.ts';
import { vaultResolvers } from './vault.ts';
import { registryResolvers } from './registry.ts';
import { watermarkResolvers } from './watermarks.ts';
import { verificationResolvers } from './verifications.ts';
import { enrollmentResolvers } from './enrollments.ts';
import { endpointResolvers } from './endpoints.ts';
import { modelSigningResolvers } from './model-signing.ts';
import { webhookResolvers } from './webhooks.ts';
import { monitoringResolvers } from './monitoring.ts';

const parts: Resolvers[] = [viewerResolvers, apiKeyResolvers, tenantResolvers, vaultResolvers, registryResolvers, watermarkResolvers, verificationResolvers, enrollmentResolvers, endpointResolvers, modelSigningResolvers, monitoringResolvers, webhookResolvers];

/** All resolvers, merged per type. One file per domain, each small. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  UserError: { __resolveType: () => 'InputError' },
  ...mergeByType(parts),
};

function mergeByType(list: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of list) {
    for (const [type, fields] of Object.entries(part)) {
      merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
    }
  }
  return merged as Resolvers;
}
