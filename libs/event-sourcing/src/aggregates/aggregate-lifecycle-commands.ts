import { Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateNotFoundError } from '../errors/aggregate-not-found-error';
import { StreamNotFoundError } from '../errors/stream-not-found-error';
import { EventStore } from '../store/event-store';
import { assertStreamId } from '../store/prepared-append';
import type { AggregateClass } from './aggregate-repository-types';
import { requireAggregateMetadata } from './aggregate.decorator';

/** What {@link DeleteAggregate} and {@link RestoreAggregate} answer. */
export interface AggregateLifecycleResult {
  /** The stream's version after the change (a hard delete: its last version). */
  version: number;
  /** False when nothing changed (deleted already, or not deleted to restore). */
  changed: boolean;
}

/** Options of {@link DeleteAggregate}. */
export interface DeleteAggregateOptions {
  /** `'soft'` (default): restorable, history kept. `'hard'`: events removed, id never reused. */
  mode?: 'soft' | 'hard';
  /** Soft only: fail with `ConcurrencyError` unless the aggregate is at this version. */
  expectedVersion?: number;
  /** Kept in the deletion event's data. */
  reason?: string;
}

/**
 * Deletes an aggregate, through `CommandBus`, with no handler of the application's own:
 * softly (`es.stream-deleted`; `load` then throws `AggregateDeletedError`, HTTP 410) or
 * for good (`mode: 'hard'`, see `EventStore.hardDeleteStream`).
 * @throws AggregateNotFoundError when the aggregate has no events.
 * @example
 * await commandBus.execute(new DeleteAggregate(TodoList, listId, { mode: 'hard' }));
 */
export class DeleteAggregate extends Command<AggregateLifecycleResult> {
  constructor(
    readonly aggregate: AggregateClass,
    readonly id: string,
    readonly options: DeleteAggregateOptions = {},
  ) {
    super();
  }
}

/**
 * Restores a soft-deleted aggregate through `CommandBus` (see `EventStore.restoreStream`).
 * @throws AggregateNotFoundError when the aggregate has no events.
 * @throws NaturalKeyTakenError when another aggregate took one of its natural keys meanwhile.
 * @example
 * await commandBus.execute(new RestoreAggregate(BankAccount, accountId));
 */
export class RestoreAggregate extends Command<AggregateLifecycleResult> {
  constructor(
    readonly aggregate: AggregateClass,
    readonly id: string,
    readonly options: { reason?: string } = {},
  ) {
    super();
  }
}

/** The stream of `id` in `aggregate`'s class. */
function streamOf(aggregate: AggregateClass, id: string): string {
  const streamId = `${requireAggregateMetadata(aggregate).streamType}-${id}`;
  assertStreamId(streamId);
  return streamId;
}

/** A stream that was never written, as the aggregate the caller named. */
function asAggregate(aggregate: AggregateClass, id: string): (error: unknown) => never {
  return (error) => {
    throw error instanceof StreamNotFoundError ? new AggregateNotFoundError(aggregate.name, id) : error;
  };
}

/** The library's handler of {@link DeleteAggregate}. @internal */
@Injectable()
@CommandHandler(DeleteAggregate)
export class DeleteAggregateHandler implements ICommandHandler<DeleteAggregate> {
  constructor(private readonly store: EventStore) {}

  async execute({ aggregate, id, options }: DeleteAggregate): Promise<AggregateLifecycleResult> {
    const streamId = streamOf(aggregate, id);
    const { reason, expectedVersion } = options;
    if (options.mode === 'hard') {
      const before = await this.store.tombstoneOf(streamId);
      const tombstone = await this.store.hardDeleteStream(streamId, { reason }).catch(asAggregate(aggregate, id));
      return { version: tombstone.lastVersion, changed: before === undefined };
    }
    const result = await this.store
      .deleteStream(streamId, { reason, expectedVersion })
      .catch(asAggregate(aggregate, id));
    return { version: result.streamVersion, changed: result.written };
  }
}

/** The library's handler of {@link RestoreAggregate}. @internal */
@Injectable()
@CommandHandler(RestoreAggregate)
export class RestoreAggregateHandler implements ICommandHandler<RestoreAggregate> {
  constructor(private readonly store: EventStore) {}

  async execute({ aggregate, id, options }: RestoreAggregate): Promise<AggregateLifecycleResult> {
    const streamId = streamOf(aggregate, id);
    const result = await this.store.restoreStream(streamId, options).catch(asAggregate(aggregate, id));
    return { version: result.streamVersion, changed: result.written };
  }
}
