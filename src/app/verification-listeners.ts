/**
 * Who is told of every verdict, inside the transaction that records it
 * (src/verifications/verification-settled.ts). Adding one: a listener in its workflow and a line here.
 */
import type { VerificationSettledListener } from '../verifications/verification-settled.ts';
import type { Platform } from './services.ts';
import { verificationCompletedListener } from '../webhooks/webhook-events.ts';
import { integrityListener } from '../monitoring/integrity-listener.ts';
import { integrityWebhooks } from './integrity-webhooks.ts';

export function verificationListeners(platform: Platform): VerificationSettledListener[] {
  return [
    integrityListener({ unreachableAfter: platform.monitoring.unreachableAfter, onChange: integrityWebhooks(platform.queue) }),
    verificationCompletedListener(platform.queue),
  ];
}
