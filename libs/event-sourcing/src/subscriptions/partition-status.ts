import { compareCursors } from './global-cursor';
import type { SubscriberDefinition } from './subscriber-definition';
import type { PartitionStatus, RebuildProgress, SubscriberStatus } from './subscriber-status';
import type { SubscriberState } from './subscription-runner';

/** The state a partitioned subscriber reports: the first of these that a partition is in. */
const STATE_ORDER: readonly SubscriberState[] = [
  'failing',
  'parked',
  'stopped',
  'held-back',
  'rebuilding',
  'starting',
  'standby',
  'running',
  'caught-up',
];

/**
 * One status of a partitioned subscriber from the statuses of its partitions (given in
 * partition order): see `SubscriberStatus.partitions`. @internal
 */
export function combinePartitions(definition: SubscriberDefinition, parts: SubscriberStatus[]): SubscriberStatus {
  const first = parts[0]!;
  const state = STATE_ORDER.find((candidate) => parts.some((p) => p.state === candidate)) ?? first.state;
  const lowest = parts.reduce((low, p) => (compareCursors(p.cursor, low.cursor) < 0 ? p : low));
  const position = parts.reduce((max, p) => (p.position > max ? p.position : max), 0n);
  const instance = parts.find((p) => p.instance?.local)?.instance ?? parts.find((p) => p.instance)?.instance ?? null;
  const heldBackBy = parts.find((p) => p.heldBackBy)?.heldBackBy;
  const lastError = parts.find((p) => p.lastError)?.lastError;
  const rebuild = combineRebuilds(parts.flatMap((p) => (p.rebuild ? [p.rebuild] : [])));
  const partitions: PartitionStatus[] = parts.map((p, index) => ({
    partition: index,
    key: p.name,
    state: p.state,
    cursor: p.cursor,
    position: p.position,
    lag: p.lag,
    instance: p.instance,
    parked: p.parked,
    ...(p.rebuild ? { rebuild: p.rebuild } : {}),
    ...(p.lastError ? { lastError: p.lastError } : {}),
    updatedAt: p.updatedAt,
  }));
  return {
    name: definition.name,
    kind: definition.kind,
    owner: definition.owner,
    state,
    cursor: lowest.cursor,
    position,
    head: first.head,
    lag: parts.reduce((sum, p) => sum + p.lag, 0),
    instance,
    ...(heldBackBy ? { heldBackBy } : {}),
    ...(rebuild ? { rebuild } : {}),
    parked: parts.reduce((sum, p) => sum + p.parked, 0),
    ...(lastError ? { lastError } : {}),
    updatedAt: new Date(Math.max(...parts.map((p) => p.updatedAt.getTime()))),
    partitions,
  };
}

function combineRebuilds(rebuilds: RebuildProgress[]): RebuildProgress | undefined {
  if (rebuilds.length === 0) return undefined;
  const done = rebuilds.reduce((sum, r) => sum + r.done, 0);
  const total = rebuilds.reduce((sum, r) => sum + r.total, 0);
  return {
    startedAt: new Date(Math.min(...rebuilds.map((r) => r.startedAt.getTime()))),
    done,
    total,
    percent: total === 0 ? 100 : Math.floor((done / total) * 1000) / 10,
    eventsPerSecond: rebuilds.reduce((sum, r) => sum + r.eventsPerSecond, 0),
  };
}

/**
 * The statuses of the definitions from those of their runners' views (partitions
 * expanded, in order, as `expandPartitions` gives them). @internal
 */
export function statusesOf(
  definitions: readonly SubscriberDefinition[],
  viewStatuses: readonly SubscriberStatus[],
): SubscriberStatus[] {
  let at = 0;
  return definitions.map((definition) => {
    const count = definition.options.partitions;
    const parts = viewStatuses.slice(at, at + count);
    at += count;
    return count > 1 ? combinePartitions(definition, parts) : parts[0]!;
  });
}
