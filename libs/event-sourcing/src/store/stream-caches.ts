/** Something this process keeps about streams, which must go when a stream changes behind its back. @internal */
export interface StreamCache {
  /** Forgets what it keeps of one stream. */
  forget(streamId: string): void;
  /** Forgets everything (the database may have come back from a failover or a restore). */
  clear(): void;
}

/**
 * Every process-local cache of what streams hold, of the store and of what is built on
 * it (the write path's knowledge, warm aggregates, snapshot versions): one `forget` of a
 * stream and one `clear` reach them all, so a stream deletion has one place to call.
 * @internal
 */
export class StreamCaches implements StreamCache {
  private readonly caches: StreamCache[] = [];

  /** Adds a cache to those `forget` and `clear` reach. */
  add(cache: StreamCache): void {
    this.caches.push(cache);
  }

  forget(streamId: string): void {
    for (const cache of this.caches) cache.forget(streamId);
  }

  clear(): void {
    for (const cache of this.caches) cache.clear();
  }
}
