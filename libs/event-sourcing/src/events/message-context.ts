import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WarmScope } from '../aggregates/warm-aggregates';

/** The ids that tie a piece of work to what caused it. */
export interface MessageIds {
  /** Shared by everything one request or process started. */
  correlationId: string;
  /** Id of the message (request, command or event) being handled. */
  causationId?: string;
  /** Who acts, when known. */
  userId?: string;
}

/**
 * The current correlation and causation ids, carried through async calls with
 * `AsyncLocalStorage`. Command handling and the HTTP middleware set them; the
 * aggregate repository writes them into every event's metadata.
 */
@Injectable()
export class MessageContext {
  private readonly storage = new AsyncLocalStorage<MessageIds>();
  private readonly saves = new WeakMap<MessageIds, number>();
  private readonly warmScopes = new WeakMap<MessageIds, WarmScope>();
  /** The message whose handling started each nested one, so saves count for both. */
  private readonly parents = new WeakMap<MessageIds, MessageIds>();

  /** The ids of the work in progress, if any. */
  current(): MessageIds | undefined {
    return this.storage.getStore();
  }

  /** Runs `work` with these ids as the current ones. */
  run<T>(ids: MessageIds, work: () => T): T {
    return this.storage.run(ids, work);
  }

  /** Counts a successful aggregate save in the current message's handling. @internal */
  recordSave(): void {
    for (let ids = this.current(); ids; ids = this.parents.get(ids)) {
      this.saves.set(ids, (this.saves.get(ids) ?? 0) + 1);
    }
  }

  /** How many aggregate saves the current message's handling has made. @internal */
  saveCount(): number {
    const ids = this.current();
    return ids ? (this.saves.get(ids) ?? 0) : 0;
  }

  /**
   * Starts a try of the current command's handler: one that may use warm aggregates gets
   * a new scope, returned; one that may not gets none (nor the last try's). @internal
   */
  startTry(warm: boolean): WarmScope | undefined {
    const ids = this.current();
    if (!ids) return undefined;
    if (!warm) {
      this.warmScopes.delete(ids);
      return undefined;
    }
    const scope = new WarmScope();
    this.warmScopes.set(ids, scope);
    return scope;
  }

  /** The warm scope of the current try, when its handler may use warm aggregates. @internal */
  warmScope(): WarmScope | undefined {
    const ids = this.current();
    return ids ? this.warmScopes.get(ids) : undefined;
  }

  /**
   * Runs `work` as the handling of one message: the correlation id is kept (or started),
   * and the message's id (a new one when it has none) becomes the causation id.
   */
  runMessage<T>(messageId: string | undefined, correlationId: string | undefined, work: () => T): T {
    const outer = this.current();
    return this.runNested(
      {
        correlationId: correlationId ?? outer?.correlationId ?? randomUUID(),
        causationId: messageId ?? randomUUID(),
        userId: outer?.userId,
      },
      work,
    );
  }

  /**
   * Runs `work` (in-process event handlers, say) with the current ids but outside the
   * current try's warm scope; what it saves still counts as the current message's. @internal
   */
  runDetached<T>(work: () => T): T {
    const outer = this.current();
    return outer ? this.runNested({ ...outer }, work) : work();
  }

  private runNested<T>(ids: MessageIds, work: () => T): T {
    const outer = this.current();
    if (outer) this.parents.set(ids, outer);
    return this.run(ids, work);
  }
}
