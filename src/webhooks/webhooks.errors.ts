import { DomainError } from '../errors/domain-error.ts';

/**
 * Why a webhook subscription request was refused. Messages never hold a secret, and repeat the
 * caller's URL only as its host.
 */
export type WebhooksErrorCode =
  /** No such subscription in the caller's tenant (or it was deleted). */
  | 'WEBHOOK_SUBSCRIPTION_NOT_FOUND'
  /** A URL, description, event type list or window that is not accepted (too long, unknown type, ...). */
  | 'INVALID_WEBHOOK_INPUT'
  /** The URL names an address the egress policy refuses (FRAGMARK_EGRESS_ALLOW lifts it). */
  | 'WEBHOOK_URL_FORBIDDEN'
  /** The tenant already has the most subscriptions it may have. */
  | 'WEBHOOK_SUBSCRIPTION_LIMIT'
  /** A test delivery to a disabled subscription. */
  | 'WEBHOOK_SUBSCRIPTION_DISABLED';

export class WebhooksError extends DomainError<WebhooksErrorCode> {}
