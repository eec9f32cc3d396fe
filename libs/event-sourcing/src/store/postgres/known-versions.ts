/**
 * Versions this process knows to be stored, per stream: the highest it saw committed (an
 * append it made, a read outside a transaction). Versions of a stream are contiguous from
 * 1 and a committed event is never removed, so every version up to that one exists: an
 * append expecting one of them needs no check that its expected version exists, only
 * the unique (stream_id, version) key against a stream that moved on.
 *
 * Bounded: past `capacity` streams the least recently told is forgotten, which only
 * costs its next append that check again. The store forgets everything when a connection
 * breaks: a database that comes back from a failover to an asynchronous replica, or from
 * a restore, may have lost committed events; a stream deletion must make every instance
 * forget the stream (`WriteCaches.forget`) before it removes events. @internal
 */
export class KnownVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Records that `streamId` has (at least) `version` stored and committed. */
  learn(streamId: string, version: number): void {
    if (version < 1) return;
    const known = this.versions.get(streamId);
    if (known !== undefined) this.versions.delete(streamId);
    else if (this.versions.size >= this.capacity) this.versions.delete(this.versions.keys().next().value!);
    this.versions.set(streamId, Math.max(version, known ?? 0));
  }

  /** Forgets one stream. */
  forget(streamId: string): void {
    this.versions.delete(streamId);
  }

  /** Forgets every stream. */
  clear(): void {
    this.versions.clear();
  }

  /** Whether `version` of `streamId` is known to be stored. */
  has(streamId: string, version: number): boolean {
    return version <= (this.versions.get(streamId) ?? 0);
  }
}
