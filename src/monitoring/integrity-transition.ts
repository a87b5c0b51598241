/**
 * How one verdict moves a monitored deployment's integrity state:
 * INTACT -> HEALTHY, TAMPERED -> TAMPERED at once (one flipped check is the product's whole
 * point), ERROR -> UNREACHABLE only after `unreachableAfter` in a row (one dropped connection
 * should not page anyone). A cancelled check says nothing and changes nothing.
 */
import type { IntegrityState } from '../db/generated/client.ts';

export interface IntegrityStatus {
  state: IntegrityState;
  consecutiveErrors: number;
}

export function nextIntegrity(current: IntegrityStatus, verdict: 'INTACT' | 'TAMPERED' | 'ERROR', unreachableAfter: number): IntegrityStatus {
  if (verdict === 'INTACT') return { state: 'HEALTHY', consecutiveErrors: 0 };
  if (verdict === 'TAMPERED') return { state: 'TAMPERED', consecutiveErrors: 0 };
  const consecutiveErrors = current.consecutiveErrors + 1;
  return { state: consecutiveErrors >= unreachableAfter ? 'UNREACHABLE' : current.state, consecutiveErrors };
}

/** Whether a change of state opens an alert: every change but the first HEALTHY of a new monitor. */
export function opensAlert(from: IntegrityState, to: IntegrityState): boolean {
  return from !== to && !(from === 'UNKNOWN' && to === 'HEALTHY');
}
