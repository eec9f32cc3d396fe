import { errorMessage, errorStack } from '../errors/error-message';
import type { EventEnvelope } from '../events/event-envelope';
import type { GlobalCursor } from '../store/event-store';
import { isDatabaseAway } from '../database/database-away';
import { inTransaction } from '../database/in-transaction';
import { isSqlError } from '../database/postgres-errors';
import { BrokerUnavailableError } from '../errors/broker-unavailable-error';
import { CheckpointConflictError } from '../errors/checkpoint-conflict-error';
import { cursorOf } from './global-cursor';
import type { SubscriberDefinition } from './subscriber-definition';
import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CheckpointStore } from './checkpoint-store';
import { parkedMessage, type BatchOutcome, type PageApplier } from './page-applier';

/** What a {@link BatchApplier} writes through. @internal */
export interface BatchApplierDeps {
  checkpoints: CheckpointStore;
  dataSource: DataSource;
  logger: Logger;
}

/**
 * Hands events to one subscriber and moves its checkpoint with them: a projection's (or
 * saga's) page in one transaction with the checkpoint, a side-effecting handler's events
 * one by one; and parks an event that failed every try. @internal
 */
export class BatchApplier implements PageApplier {
  constructor(
    private readonly definition: SubscriberDefinition,
    private readonly deps: BatchApplierDeps,
  ) {}

  private get name(): string {
    return this.definition.name;
  }

  apply(from: GlobalCursor, events: EventEnvelope[], replaying: boolean, attempt: number): Promise<BatchOutcome> {
    return this.definition.transactional
      ? this.applyInTransaction(from, events, replaying, attempt)
      : this.applyOneByOne(from, events, attempt);
  }

  /** All of a page in one transaction with the checkpoint move: exactly once. */
  private async applyInTransaction(
    from: GlobalCursor,
    events: EventEnvelope[],
    replaying: boolean,
    attempt: number,
  ): Promise<BatchOutcome> {
    const runner = this.deps.dataSource.createQueryRunner();
    let index = 0;
    let failed: unknown;
    let moveFailed: unknown;
    try {
      await runner.connect();
      await runner.startTransaction();
      // Lock the checkpoint first, where the batch starts: a stale instance stops here, before its
      // handlers run, and a rebuild (which locks it too, then clears the read model) waits its turn.
      await this.deps.checkpoints.lockAt(this.name, from, runner);
      try {
        const context = { manager: runner.manager, replaying, attempt };
        if (this.definition.handlePage) await this.definition.handlePage(events, context);
        else for (; index < events.length; index++) await this.definition.handle(events[index]!, context);
      } catch (error) {
        if (await isDatabaseAway(this.deps.dataSource, error)) throw error;
        failed = error;
      }
      if (failed === undefined) {
        const last = events.at(-1)!;
        try {
          await this.deps.checkpoints.move(
            this.name,
            { from, to: cursorOf(last), lastPosition: maxPosition(events), handled: events.length },
            runner,
          );
          await runner.commitTransaction();
          this.definition.afterCommit?.();
          return { cursor: cursorOf(last) };
        } catch (error) {
          // A handler caught an SQL error and went on: the transaction is aborted (25P02).
          if (!isSqlError(error) || error instanceof CheckpointConflictError) throw error;
          moveFailed = error;
        }
      }
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
    if (moveFailed !== undefined) {
      if (events.length === 1) return { cursor: from, failed: { event: events[0]!, error: moveFailed } };
      this.deps.logger.warn(
        `${this.name}: a handler swallowed a database error (wrap such statements in a savepoint); finding it event by event`,
      );
      return this.oneByOneInTransactions(from, events, replaying, attempt);
    }
    // A page handler failed: which event made it fail, pages of one tell.
    if (this.definition.handlePage && events.length > 1) {
      return this.oneByOneInTransactions(from, events, replaying, attempt);
    }
    // The events before the failing one succeeded: commit them on their own.
    const before =
      index > 0 ? await this.applyInTransaction(from, events.slice(0, index), replaying, attempt) : undefined;
    if (before?.failed) return before;
    return { cursor: before?.cursor ?? from, failed: { event: events[index]!, error: failed } };
  }

  /** Each event in a transaction of its own with its checkpoint move, up to the first that fails. */
  private async oneByOneInTransactions(
    from: GlobalCursor,
    events: EventEnvelope[],
    replaying: boolean,
    attempt: number,
  ): Promise<BatchOutcome> {
    let cursor = from;
    for (const event of events) {
      const one = await this.applyInTransaction(cursor, [event], replaying, attempt);
      if (one.failed) return one;
      cursor = one.cursor;
    }
    return { cursor };
  }

  /**
   * Side effects: each event, then its checkpoint (or a whole page, then one move, for a
   * page handler such as a broker publisher; a page that fails goes again event by event).
   * A crash in between delivers them again.
   */
  private async applyOneByOne(from: GlobalCursor, events: EventEnvelope[], attempt: number): Promise<BatchOutcome> {
    const context = { manager: undefined, replaying: false, attempt };
    if (this.definition.handlePage && events.length > 1) {
      const handled = await this.handled(() => this.definition.handlePage!(events, context));
      if (handled === true) {
        const to = cursorOf(events.at(-1)!);
        await this.deps.checkpoints.move(this.name, { from, to, lastPosition: maxPosition(events) });
        return { cursor: to };
      }
    }
    let cursor = from;
    for (const event of events) {
      const handled = await this.handled(() => this.definition.handle(event, context));
      if (handled !== true) return { cursor, failed: { event, error: handled.error } };
      await this.deps.checkpoints.move(this.name, { from: cursor, to: cursorOf(event), lastPosition: event.position });
      cursor = cursorOf(event);
    }
    return { cursor };
  }

  /**
   * Runs a handler: true when it succeeded, its error when it failed. An outage (of the
   * database, or of a broker) is thrown instead: the runner backs off, nothing is parked.
   */
  private async handled(work: () => Promise<void>): Promise<true | { error: unknown }> {
    try {
      await work();
      return true;
    } catch (error) {
      if (error instanceof BrokerUnavailableError || (await isDatabaseAway(this.deps.dataSource, error))) throw error;
      return { error };
    }
  }

  /** Records the event as parked, and skips it or stops at it, in one transaction. */
  async park(cursor: GlobalCursor, event: EventEnvelope, error: unknown, attempts: number): Promise<void> {
    const skip = this.definition.options.onFailure === 'skip';
    const message = errorMessage(error);
    await inTransaction(this.deps.dataSource, async (runner) => {
      await this.deps.checkpoints.park(this.name, event, message, attempts, runner);
      await this.deps.checkpoints.move(
        this.name,
        skip
          ? { from: cursor, to: cursorOf(event), lastPosition: event.position, handled: 1 }
          : { from: cursor, to: cursor, status: 'parked', error: message },
        runner,
      );
    });
    this.deps.logger.error(parkedMessage(this.name, event, attempts, skip, message), errorStack(error));
  }
}

function maxPosition(events: EventEnvelope[]): bigint {
  return events.reduce((max, e) => (e.position > max ? e.position : max), 0n);
}
