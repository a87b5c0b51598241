import type { Transaction } from '../db/client.ts';
import { JobRecords } from '../jobs/job-records.ts';

/**
 * Ends a subscription's pending deliveries CANCELLED, with their queued jobs, in `tx` (it was
 * disabled or deleted, by a tenant admin or by a 410 Gone answer). Returns those jobs' ids, for
 * the caller to cancel in the queue after the commit; a job a worker already took ends at its fence.
 */
export async function cancelPendingDeliveries(tx: Transaction, subscriptionId: string, now: Date): Promise<string[]> {
  const pending = await tx.webhookDelivery.findMany({ where: { subscriptionId, status: 'PENDING' }, select: { jobId: true } });
  const jobIds = pending.map((d) => d.jobId);
  await JobRecords.cancelUnfinished(tx, jobIds, 'the webhook subscription was disabled or deleted', now);
  await tx.webhookDelivery.updateMany({ where: { subscriptionId, status: 'PENDING' }, data: { status: 'CANCELLED', nextAttemptAt: null, completedAt: now } });
  return jobIds;
}
