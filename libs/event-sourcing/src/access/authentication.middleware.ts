import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { MessageContext } from '../events/message-context';
import type { ResolvedAccessOptions } from './access-options';
import { RESOLVED_ACCESS_OPTIONS } from './access.module-definition';
import { BearerTokenVerifier } from './bearer-token-verifier';

/**
 * Authenticates each request it is applied to: with the access module's `jwt`, a
 * missing, expired, wrongly signed or unsigned bearer token is refused with 401
 * `ES_UNAUTHENTICATED`; a valid one makes its `sub` the actor (`MessageContext`) while the
 * request is handled, so checks see it and the events it causes record it as
 * `metadata.userId`. Without `jwt` it lets every request through. Apply it after
 * `CorrelationIdMiddleware`, to the routes that need an actor (not to the operator
 * routes, which have their own token, nor to health probes).
 * @example
 * configure(consumer: MiddlewareConsumer) {
 *   consumer.apply(CorrelationIdMiddleware).forRoutes('*');
 *   consumer.apply(AuthenticationMiddleware).forRoutes(ListsController);
 * }
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  private readonly verifier: BearerTokenVerifier | undefined;

  constructor(
    @Inject(RESOLVED_ACCESS_OPTIONS) options: ResolvedAccessOptions,
    private readonly context: MessageContext,
  ) {
    this.verifier = options.jwt ? new BearerTokenVerifier(options.jwt) : undefined;
  }

  async use(request: IncomingMessage, _response: ServerResponse, next: (error?: unknown) => void): Promise<void> {
    if (!this.verifier) return next();
    const { actor, tenantId } = await this.verifier.verify(request.headers.authorization);
    const outer = this.context.current();
    this.context.run(
      {
        correlationId: outer?.correlationId ?? randomUUID(),
        ...outer,
        userId: actor.id,
        actor,
        ...(tenantId ? { tenantId } : {}),
      },
      () => next(),
    );
  }
}
