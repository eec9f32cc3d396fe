import type { StreamCache } from '../stream-caches';
import { KnownVersions } from './known-versions';
import { StreamLanes } from './stream-lanes';

/** How long a stream counts as contended after its last lost race. */
const CONTENDED_FOR_MS = 10_000;
/** Contended streams remembered at most; forgetting one costs its next lost race a second round trip. */
const MOST_CONTENDED = 1_000;

/**
 * Everything the PostgreSQL write path keeps about streams between appends: the
 * versions known to be stored (`KnownVersions`), the streams that lost a race lately,
 * and the lanes of this process's appends per stream (`StreamLanes`), with one
 * `forget(streamId)` and one `clear()` for all of them. @internal
 */
export class WriteCaches implements StreamCache {
  readonly known = new KnownVersions();
  readonly lanes = new StreamLanes();
  private readonly contended = new Map<string, number>();

  /** Whether the stream lost a race in the last ten seconds. */
  isContended(streamId: string): boolean {
    const since = this.contended.get(streamId);
    if (since === undefined) return false;
    if (Date.now() - since < CONTENDED_FOR_MS) return true;
    this.contended.delete(streamId);
    return false;
  }

  /** Records a lost race of the stream. */
  sawConflict(streamId: string): void {
    if (this.contended.size >= MOST_CONTENDED && !this.contended.has(streamId)) this.contended.clear();
    this.contended.set(streamId, Date.now());
  }

  forget(streamId: string): void {
    this.known.forget(streamId);
    this.contended.delete(streamId);
    this.lanes.forget(streamId);
  }

  clear(): void {
    this.known.clear();
    this.contended.clear();
    this.lanes.clear();
  }
}
