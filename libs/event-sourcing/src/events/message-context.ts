import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

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
   * and the message's id becomes the causation id.
   */
  runMessage<T>(messageId: string | undefined, correlationId: string | undefined, work: () => T): T {
    const outer = this.current();
    return this.run(
      {
        correlationId: correlationId ?? outer?.correlationId ?? randomUUID(),
        causationId: messageId ?? outer?.causationId,
        userId: outer?.userId,
      },
      work,
    );
  }
}
