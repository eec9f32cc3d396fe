import type { EventStore } from './event-store';
import type { SnapshotStore } from './snapshot-store';
import { tenantScopeOf } from './tenant-scope';

/**
 * Scopes a snapshot store's reads as the event store's are (when tenancy is on): while
 * work runs for a tenant, another tenant's stream has no snapshot, so a snapshot never
 * hands one tenant the state of another's aggregate. Patches the instance in place. @internal
 */
export function scopeSnapshots<S extends SnapshotStore>(snapshots: S, store: EventStore): S {
  const scope = tenantScopeOf(store);
  if (!scope) return snapshots;
  const load = snapshots.load.bind(snapshots);
  snapshots.load = async (streamId, maxVersion) =>
    (await scope.isVisible(streamId)) ? load(streamId, maxVersion) : undefined;
  return snapshots;
}
