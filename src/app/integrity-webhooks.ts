/**
 * The webhooks of continuous monitoring: `integrity.changed` for every change of a monitored
 * deployment's integrity state and `alert.opened` for every alert it opens, raised in the
 * transaction that records the change (the integrity listener's `onChange`), so that an event is
 * delivered if and only if the change committed. Here, in the wiring, because monitoring (a
 * workflow) and webhooks (a domain) need not know each other's shapes.
 */
import type { Transaction } from '../db/client.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { IntegrityChanged } from '../monitoring/integrity-listener.ts';
import { emitWebhookEvent } from '../webhooks/webhook-events.ts';

export function integrityWebhooks(queue: JobQueue): (tx: Transaction, changed: IntegrityChanged) => Promise<void> {
  return async (tx, { monitor, change, alert }) => {
    const target = { monitorId: monitor.id, endpointId: monitor.endpointId, modelVersionId: monitor.modelVersionId };
    await emitWebhookEvent(queue, tx, {
      tenantId: monitor.tenantId,
      type: 'integrity.changed',
      data: { ...target, from: change.fromState, to: change.toState, verificationId: change.verificationId, changedAt: change.changedAt.toISOString() },
    });
    if (!alert) return;
    await emitWebhookEvent(queue, tx, {
      tenantId: monitor.tenantId,
      type: 'alert.opened',
      data: { alertId: alert.id, ...target, state: alert.state, verificationId: alert.verificationId, openedAt: alert.openedAt.toISOString() },
    });
  };
}
