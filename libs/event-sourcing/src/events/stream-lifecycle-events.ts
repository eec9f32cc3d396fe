import { DomainEvent } from './domain-event.decorator';
import { STREAM_DELETED, STREAM_RESTORED, STREAM_TOMBSTONED } from './stream-lifecycle-types';

/**
 * A stream was soft-deleted (`EventStore.deleteStream`, `AggregateRepository.delete`,
 * `DeleteAggregate`). Its history stays readable; a projection may hide it.
 * @example
 * @On(StreamDeleted)
 * async deleted({ streamId }: EventEnvelope<StreamDeleted>, { manager }: ProjectionContext) { ... }
 */
@DomainEvent(STREAM_DELETED)
export class StreamDeleted {
  constructor(
    /** Why, when the caller said. */
    readonly reason?: string,
  ) {}
}

/** A soft-deleted stream was restored: it takes appends and commands again. */
@DomainEvent(STREAM_RESTORED)
export class StreamRestored {
  constructor(readonly reason?: string) {}
}

/**
 * A stream was hard-deleted: its events are gone from the store, and its id can never
 * be used again. A projection drops what it kept of the stream; a rebuild replays this
 * event too, so it does not bring the stream back.
 * @example
 * @On(StreamTombstoned)
 * async tombstoned({ data }: EventEnvelope<StreamTombstoned>, { manager }: ProjectionContext) {
 *   if (data.streamType === 'list') await manager.delete(TodoListView, { id: data.streamId.slice(5) });
 * }
 */
@DomainEvent(STREAM_TOMBSTONED)
export class StreamTombstoned {
  constructor(
    readonly streamId: string,
    readonly streamType: string,
    /** The version of its last event when it was deleted. */
    readonly lastVersion: number,
    readonly reason?: string,
  ) {}
}
