import type { Logger } from '@nestjs/common';
import { BrokerUnavailableError } from '../../errors/broker-unavailable-error';
import { errorMessage, errorStack } from '../../errors/error-message';
import type { EventEnvelope } from '../../events/event-envelope';
import type { GlobalCursor } from '../../store/event-store';
import { cursorOf } from '../global-cursor';
import type { SubscriberDefinition } from '../subscriber-definition';
import { parkedMessage, type BatchOutcome, type PageApplier } from '../page-applier';
import type { MemoryCheckpoints } from './memory-checkpoints';

/**
 * The in-memory counterpart of `BatchApplier`: hands events to one subscriber with no
 * entity manager, and moves its checkpoint past those it handled. There is no
 * transaction to roll back, so a projection's page is applied event by event too: what
 * a failing event's predecessors did stays, and the checkpoint moves past them, as the
 * PostgreSQL applier commits them on their own. @internal
 */
export class MemoryPageApplier implements PageApplier {
  constructor(
    private readonly definition: SubscriberDefinition,
    private readonly checkpoints: MemoryCheckpoints,
    private readonly logger: Logger,
  ) {}

  private get name(): string {
    return this.definition.name;
  }

  apply(from: GlobalCursor, events: EventEnvelope[], replaying: boolean, attempt: number): Promise<BatchOutcome> {
    return this.checkpoints.exclusive(this.name, async () => {
      await this.checkpoints.checkAt(this.name, from);
      let cursor = from;
      let failed: BatchOutcome['failed'];
      let handled = 0;
      let lastPosition = 0n;
      for (const event of events) {
        try {
          await this.definition.handle(event, { manager: undefined, replaying, attempt });
        } catch (error) {
          if (error instanceof BrokerUnavailableError) throw error;
          failed = { event, error };
          break;
        }
        cursor = cursorOf(event);
        handled++;
        if (event.position > lastPosition) lastPosition = event.position;
      }
      if (handled > 0) {
        await this.checkpoints.move(this.name, { from, to: cursor, lastPosition, handled });
        this.definition.afterCommit?.();
      }
      return failed ? { cursor, failed } : { cursor };
    });
  }

  /** Records the event as parked, and skips it or stops at it. */
  async park(cursor: GlobalCursor, event: EventEnvelope, error: unknown, attempts: number): Promise<void> {
    const skip = this.definition.options.onFailure === 'skip';
    const message = errorMessage(error);
    await this.checkpoints.exclusive(this.name, async () => {
      await this.checkpoints.move(
        this.name,
        skip
          ? { from: cursor, to: cursorOf(event), lastPosition: event.position, handled: 1 }
          : { from: cursor, to: cursor, status: 'parked', error: message },
      );
      await this.checkpoints.park(this.name, event, message, attempts);
    });
    this.logger.error(parkedMessage(this.name, event, attempts, skip, message), errorStack(error));
  }
}
