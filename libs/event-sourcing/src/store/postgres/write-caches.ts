import type { StreamCache } from '../stream-caches';
import { KnownVersions } from './known-versions';
import { StreamLanes } from './stream-lanes';

/**
 * Everything the PostgreSQL write path keeps about streams between appends: the
 * versions known to be stored (`KnownVersions`) and the lanes of this process's appends
 * per stream (`StreamLanes`), with one
 * `forget(streamId)` and one `clear()` for all of them. @internal
 */
export class WriteCaches implements StreamCache {
  readonly known = new KnownVersions();
  readonly lanes = new StreamLanes();

  forget(streamId: string): void {
    this.known.forget(streamId);
    this.lanes.forget(streamId);
  }

  clear(): void {
    this.known.clear();
    this.lanes.clear();
  }
}
