import { InvalidStreamIdError } from '../errors/invalid-stream-id-error';
import type { NewEvent } from '../events/event-envelope';
import { STREAM_TOMBSTONED, TOMBSTONES_STREAM } from '../events/stream-lifecycle-types';
import { assertStreamId } from './prepared-append';
import type { StreamTombstone } from './stream-effects';

/**
 * The `es.stream-tombstoned` event of a hard delete, for the {@link TOMBSTONES_STREAM}.
 * @throws InvalidStreamIdError for that stream itself, which keeps the tombstones.
 * @internal
 */
export function tombstoneEvent(
  tombstone: Pick<StreamTombstone, 'streamId' | 'streamType' | 'lastVersion'>,
  reason: string | undefined,
): NewEvent {
  const { streamId, streamType, lastVersion } = tombstone;
  assertBuriable(streamId);
  return {
    type: STREAM_TOMBSTONED,
    data: { streamId, streamType, lastVersion, ...(reason === undefined ? {} : { reason }) },
  };
}

/**
 * @throws InvalidStreamIdError for an id no stream can have, and for the stream that
 *   keeps the tombstones, which cannot be hard-deleted.
 * @internal
 */
export function assertBuriable(streamId: string): void {
  assertStreamId(streamId);
  if (streamId === TOMBSTONES_STREAM) throw new InvalidStreamIdError(streamId, 'it keeps the store’s tombstones');
}
