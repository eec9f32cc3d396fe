import { StreamNotFoundError } from '../errors/stream-not-found-error';
import type { EventMetadata, NewEvent } from '../events/event-envelope';
import type { ExpectedVersion } from './expected-version';
import type { StreamLifecycleChange } from './stream-effects';

/** Options of `EventStore.deleteStream` and `EventStore.restoreStream`. */
export interface LifecycleOptions {
  /** Fail with `ConcurrencyError` unless the stream is at this version. Default: no check. */
  expectedVersion?: ExpectedVersion;
  /** Kept in the event's data. */
  reason?: string;
  /** Metadata of the `es.stream-deleted` / `es.stream-restored` event. */
  metadata?: EventMetadata;
}

/** What {@link changeLifecycle} needs of a store (not `EventStore` itself, which calls it). */
interface LifecycleStore {
  describeStream(streamId: string): Promise<{ version: number; deleted: boolean } | undefined>;
  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedVersion: ExpectedVersion; lifecycle: StreamLifecycleChange },
  ): Promise<{ streamVersion: number; position: bigint; written: boolean }>;
  readonly caches: { forget(streamId: string): void };
}

/**
 * A soft delete or a restore through the store's own append (which applies the change
 * in its transaction), skipped when the stream is already so.
 * @internal
 */
export async function changeLifecycle(
  store: LifecycleStore,
  streamId: string,
  action: 'delete' | 'restore',
  options: LifecycleOptions,
): Promise<{ streamVersion: number; position: bigint; written: boolean }> {
  const stream = await store.describeStream(streamId);
  if (!stream) throw new StreamNotFoundError(streamId);
  if (stream.deleted === (action === 'delete')) {
    return { streamVersion: stream.version, position: 0n, written: false };
  }
  const lifecycle: StreamLifecycleChange = {
    action,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
  };
  const result = await store.append(streamId, [], { expectedVersion: options.expectedVersion ?? 'any', lifecycle });
  // Warm copies of the aggregate in this process were taken before the change.
  store.caches.forget(streamId);
  return result;
}
