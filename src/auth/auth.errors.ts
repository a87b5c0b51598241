import { DomainError } from '../errors/domain-error.ts';

export type AuthErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'ROLE_ESCALATION'
  | 'API_KEY_NOT_FOUND'
  | 'TENANT_NOT_FOUND'
  | 'INVALID_INPUT';

export class AuthError extends DomainError<AuthErrorCode> {}

export function requireActor<A>(actor: A | null): A {
  if (!actor) throw new AuthError('UNAUTHENTICATED', 'This operation needs an API key: send Authorization: Bearer <key>.');
  return actor;
}
