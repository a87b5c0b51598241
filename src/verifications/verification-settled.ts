/**
 * What other workflows learn when a verification ends, inside the transaction that records its
 * verdict: monitoring moves a deployment's integrity state, webhooks queue their deliveries. The
 * listeners are wired by the application (src/app), so verifications import neither; whatever a
 * listener writes commits with the verdict or not at all, and a superseded attempt (which writes
 * nothing) calls none.
 */
import type { Transaction } from '../db/client.ts';
import type { VerificationMode } from '../db/generated/client.ts';
import { processMetrics } from '../metrics/metrics.ts';

export interface SettledVerification {
  id: string;
  tenantId: string;
  modelVersionId: string;
  mode: VerificationMode;
  /** The registered endpoint queried (ENDPOINT mode); null for an ad-hoc URL or an artifact check. */
  endpointId: string | null;
  /** ARTIFACT: an uploaded copy was checked, not the registered artifact. */
  candidateArtifactId: string | null;
  /** The monitor whose scheduled run this was; null for a check started by hand. */
  monitorId: string | null;
  verdict: 'INTACT' | 'TAMPERED' | 'ERROR';
  /** A user cancelled it (verdict ERROR): says nothing about the model or its deployment. */
  cancelled: boolean;
  accTri: number | null;
  triggersQueried: number | null;
  triggersMatched: number | null;
  errorReason: string | null;
  completedAt: Date;
}

export type VerificationSettledListener = (tx: Transaction, settled: SettledVerification) => Promise<void>;

/** Calls every listener, in order, inside `tx`, and counts the verdict (fragmark_verifications_total). */
export async function notifySettled(listeners: readonly VerificationSettledListener[] | undefined, tx: Transaction, settled: SettledVerification): Promise<void> {
  for (const listener of listeners ?? []) await listener(tx, settled);
  processMetrics.verifications.inc({ mode: settled.mode, verdict: settled.verdict });
}
