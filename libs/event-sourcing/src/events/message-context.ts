import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from './actor';

/** The ids that tie a piece of work to what caused it. */
export interface MessageIds {
  /** Shared by everything one request or process started. */
  correlationId: string;
  /** Id of the message (request, command or event) being handled. */
  causationId?: string;
  /** Who acts, when known. */
  userId?: string;
  /** The verified actor of the request, when authentication is on (its id is `userId`). */
  actor?: Actor;
  /** The tenant the work is for, when the request named one (a token's tenant claim). */
  tenantId?: string;
}

/**
 * The current correlation and causation ids, carried through async calls with
 * `AsyncLocalStorage`. Command handling and the HTTP middleware set them; the
 * aggregate repository writes them into every event's metadata.
 */
@Injectable()
export class MessageContext {
  private readonly storage = new AsyncLocalStorage<MessageIds>();
  /** The message whose handling started each nested one. */
  private readonly parents = new WeakMap<MessageIds, MessageIds>();

  /** The ids of the work in progress, if any. */
  current(): MessageIds | undefined {
    return this.storage.getStore();
  }

  /** Runs `work` with these ids as the current ones. */
  run<T>(ids: MessageIds, work: () => T): T {
    return this.storage.run(ids, work);
  }

  /**
   * Runs `work` as the handling of one message: the correlation id is kept (or started),
   * and the message's id (a new one when it has none) becomes the causation id.
   */
  runMessage<T>(messageId: string | undefined, correlationId: string | undefined, work: () => T): T {
    const outer = this.current();
    return this.nest(
      {
        correlationId: correlationId ?? outer?.correlationId ?? randomUUID(),
        causationId: messageId ?? randomUUID(),
        userId: outer?.userId,
        actor: outer?.actor,
        tenantId: outer?.tenantId,
      },
      work,
    );
  }

  /**
   * Runs `work` for the tenant of an event (its `metadata.tenantId`), so that what a
   * durable handler does while it handles the event (the commands it dispatches, its
   * reads of a store with `tenancy`) is that tenant's; an event without one runs `work`
   * as it is. @internal
   */
  runInTenantOf<T>(metadata: { tenantId?: unknown; correlationId?: unknown }, work: () => T): T {
    if (typeof metadata.tenantId !== 'string') return work();
    const outer = this.current();
    const correlationId = typeof metadata.correlationId === 'string' ? metadata.correlationId : undefined;
    return this.nest(
      { ...outer, correlationId: outer?.correlationId ?? correlationId ?? randomUUID(), tenantId: metadata.tenantId },
      work,
    );
  }

  /** The message whose handling started this one, if any. @internal */
  parentOf(ids: MessageIds): MessageIds | undefined {
    return this.parents.get(ids);
  }

  /**
   * Runs `work` as a message of its own nested in the current one, with the same ids:
   * what is kept per message (a command try's warm scope) is not shared with it. @internal
   */
  runNested<T>(work: () => T): T {
    const outer = this.current();
    return outer ? this.nest({ ...outer }, work) : work();
  }

  private nest<T>(ids: MessageIds, work: () => T): T {
    const outer = this.current();
    if (outer) this.parents.set(ids, outer);
    return this.run(ids, work);
  }
}
