import { EventSourcingError } from './event-sourcing-error';

/**
 * A request or command that needs an actor came without a valid one: no bearer token,
 * or one that is expired, wrongly signed or unsigned. HTTP answers 401 `ES_UNAUTHENTICATED`
 * with `WWW-Authenticate: Bearer`. The reason never includes the token.
 */
export class UnauthenticatedError extends EventSourcingError {
  readonly code = 'ES_UNAUTHENTICATED';

  constructor(readonly reason: string) {
    super(`${reason} Send Authorization: Bearer <token>, a token of the configured issuer.`);
  }
}
