/**
 * Audit events: who did what to which secret or key, written in the same transaction as the
 * change itself, so a change without its audit event cannot exist. The table is append-only
 * (a database trigger refuses UPDATE and DELETE).
 */
import type { Transaction } from '../db/client.ts';

export type AuditAction =
  | 'vault.seal'
  | 'vault.unseal'
  | 'vault.rotate'
  | 'vault.rewrap'
  | 'vault.retire'
  | 'vault.shred_scheduled'
  | 'vault.shred'
  | 'vault.master_rewrap'
  | 'vault.discard'
  | 'tenant.create'
  | 'tenant.delete_requested'
  | 'api_key.create'
  | 'api_key.revoke'
  | 'attestation.revoke'
  | 'challenge.create'
  | 'endpoint.register'
  | 'endpoint.update'
  | 'endpoint.remove'
  | 'model_signing_key.register'
  | 'model_signing_key.revoke'
  | 'model_signature.attach'
  | 'webhook_subscription.create'
  | 'webhook_subscription.update'
  | 'webhook_subscription.rotate_secret'
  | 'webhook_subscription.delete'
  | 'monitor.create'
  | 'monitor.update'
  | 'monitor.delete'
  | 'alert.acknowledge';

export interface AuditRecord {
  tenantId: string | null;
  actorApiKeyId: string | null;
  action: AuditAction;
  purpose?: string | null;
  recordId?: string | null;
  keyVersion?: number | null;
  /** Non-secret facts only (counts, versions, times). */
  details?: Record<string, string | number | boolean | null>;
}

/** Anything with Prisma's auditEvent delegate: the client, a transaction, or a tenant-scoped client. */
export interface AuditWriter {
  auditEvent: { create(args: { data: Parameters<Transaction['auditEvent']['create']>[0]['data'] }): Promise<unknown> };
}

export async function recordAudit(tx: AuditWriter, event: AuditRecord): Promise<void> {
  await tx.auditEvent.create({
    data: {
      tenantId: event.tenantId,
      actorApiKeyId: event.actorApiKeyId,
      action: event.action,
      purpose: event.purpose ?? null,
      recordId: event.recordId ?? null,
      keyVersion: event.keyVersion ?? null,
      details: event.details ?? undefined,
    },
  });
}
