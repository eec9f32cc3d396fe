import type { CheckpointStore } from './checkpoint-store';
import type { SubscriberDefinition } from './subscriber-definition';
import type { RebuildProgress, SubscriberStatus } from './subscriber-status';
import type { LockHolder, SubscriptionInspector } from './subscription-inspector';
import type { SubscriberState, SubscriptionRunner } from './subscription-runner';

const LAG_CAP = 100_000;

/** What {@link describeStatus} reads from. @internal */
export interface StatusSources {
  checkpoints: Pick<CheckpointStore, 'load' | 'countAfter'>;
  inspector: Pick<SubscriptionInspector, 'holdingTransaction'>;
  head: bigint;
  holder: LockHolder | undefined;
  parked: number;
  runner: Pick<SubscriptionRunner, 'active' | 'state' | 'lastError'> | undefined;
  heldBackAfterMs: number;
}

/**
 * One subscriber's status, from its checkpoint row (shared by all instances) and, when
 * this instance runs it, from its runner. @internal
 */
export async function describeStatus(
  definition: SubscriberDefinition,
  sources: StatusSources,
): Promise<SubscriberStatus> {
  const { checkpoints, inspector, runner, holder } = sources;
  const checkpoint = await checkpoints.load(definition.name);
  const [lag, heldBackBy] = await Promise.all([
    checkpoints.countAfter(checkpoint.cursor, definition.types, LAG_CAP, definition.partition),
    inspector.holdingTransaction(checkpoint.cursor, definition.types, sources.heldBackAfterMs),
  ]);
  const local = runner?.active === true;
  let state: SubscriberState;
  if (checkpoint.status === 'paused') state = 'stopped';
  else if (checkpoint.status === 'parked') state = 'parked';
  // This instance runs it (or would): its runner knows best while it fails or starts.
  else if (runner?.state === 'failing') state = 'failing';
  else if (!holder && !local) state = runner?.state === 'starting' ? 'starting' : 'stopped';
  else if (checkpoint.status === 'rebuilding') state = 'rebuilding';
  else if (heldBackBy) state = 'held-back';
  else state = lag > 0 ? 'running' : 'caught-up';
  let rebuild: RebuildProgress | undefined;
  if (checkpoint.status === 'rebuilding' && checkpoint.rebuildStartedAt) {
    const done = Number(checkpoint.rebuildDone);
    const total = done + lag;
    const seconds = (Date.now() - checkpoint.rebuildStartedAt.getTime()) / 1000;
    rebuild = {
      startedAt: checkpoint.rebuildStartedAt,
      done,
      total,
      percent: total === 0 ? 100 : Math.floor((done / total) * 1000) / 10,
      eventsPerSecond: seconds > 0 ? Math.round(done / seconds) : 0,
    };
  }
  const lastError =
    runner?.lastError ?? (checkpoint.error ? { message: checkpoint.error, at: checkpoint.updatedAt } : undefined);
  return {
    name: definition.name,
    kind: definition.kind,
    owner: definition.owner,
    state,
    cursor: checkpoint.cursor,
    position: checkpoint.lastPosition,
    head: sources.head,
    lag,
    instance: holder
      ? {
          local,
          pid: holder.pid,
          applicationName: holder.applicationName,
          ...(holder.instanceId ? { id: holder.instanceId } : {}),
        }
      : local
        ? { local, pid: null, applicationName: null }
        : null,
    ...(heldBackBy ? { heldBackBy } : {}),
    ...(rebuild ? { rebuild } : {}),
    parked: sources.parked,
    ...(lastError ? { lastError } : {}),
    updatedAt: checkpoint.updatedAt,
  };
}
