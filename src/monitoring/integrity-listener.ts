/**
 * Moves a monitored deployment's integrity state when one of its checks ends, inside the
 * transaction that records the verdict (a VerificationSettledListener): the state, its history
 * (IntegrityChange) and any alert commit with the verdict or not at all.
 *
 * A check counts for a monitor when the monitor started it, or when it checked the same target by
 * hand: an ENDPOINT check of the monitored registered endpoint, or an ARTIFACT check of the
 * version's registered artifact (not of an uploaded candidate copy, which says nothing about the
 * registry's own). A check that ends after a newer one of the same monitor was already counted
 * (verdicts can arrive out of order) changes nothing.
 */
import type { Transaction } from '../db/client.ts';
import type { IntegrityAlert, IntegrityChange, Monitor } from '../db/generated/client.ts';
import type { VerificationSettledListener } from '../verifications/verification-settled.ts';
import { nextIntegrity, opensAlert } from './integrity-transition.ts';
import { createChange, lockMonitorOf, openAlert, updateIntegrity } from './monitors.repository.ts';

export interface IntegrityChanged {
  monitor: Monitor;
  change: IntegrityChange;
  /** Null when the change opens none (a new monitor's first HEALTHY). */
  alert: IntegrityAlert | null;
}

export interface IntegrityListenerOptions {
  unreachableAfter: number;
  /** Told of every change, in the same transaction (webhooks). */
  onChange?: (tx: Transaction, changed: IntegrityChanged) => Promise<void>;
}

export function integrityListener(options: IntegrityListenerOptions): VerificationSettledListener {
  return async (tx, settled) => {
    if (settled.cancelled) return;
    const monitor = await lockMonitorOf(tx, settled);
    if (!monitor) return;
    if (monitor.lastCheckedAt && monitor.lastCheckedAt > settled.completedAt) return;
    const next = nextIntegrity(monitor, settled.verdict, options.unreachableAfter);
    const changed = next.state !== monitor.state;
    const updated = await updateIntegrity(tx, monitor.id, {
      state: next.state,
      consecutiveErrors: next.consecutiveErrors,
      lastCheckedAt: settled.completedAt,
      lastVerificationId: settled.id,
      ...(changed ? { stateSince: settled.completedAt } : {}),
    });
    if (!changed) return;
    const change = await createChange(tx, { tenantId: monitor.tenantId, monitorId: monitor.id, fromState: monitor.state, toState: next.state, verificationId: settled.id, changedAt: settled.completedAt });
    const alert = opensAlert(monitor.state, next.state)
      ? await openAlert(tx, { tenantId: monitor.tenantId, monitorId: monitor.id, changeId: change.id, state: next.state, verificationId: settled.id, openedAt: settled.completedAt })
      : null;
    await options.onChange?.(tx, { monitor: updated, change, alert });
  };
}
