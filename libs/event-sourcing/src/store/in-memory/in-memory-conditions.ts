import { AppendConditionError } from '../../errors/append-condition-error';
import type { EventEnvelope } from '../../events/event-envelope';
import {
  matchesItems,
  normalizeDecisionQuery,
  ofConditionTenant,
  parseSnapshot,
  type DecisionQuery,
  type PreparedCondition,
  type ReadMatchingResult,
} from '../decision-query';
import { copy } from './in-memory-query';
import type { PreparedAppend } from '../prepared-append';
import type { Transaction } from './in-memory-transaction';

/** What the in-memory store knows of its transactions, as PostgreSQL's snapshot tells it. @internal */
export interface MemoryClock {
  /** Transactions open now. */
  open: ReadonlySet<bigint>;
  /** The id the next transaction gets. */
  next: bigint;
}

/**
 * `readMatching` over the committed log, with a read point in PostgreSQL's snapshot
 * text (`xmin:xmax:xip,…`), so that a condition tells an event of a transaction open at
 * the read from one it saw.
 * @throws InvalidQueryError for a bad query.
 * @internal
 */
export function readMatchingIn(
  log: readonly EventEnvelope[],
  query: DecisionQuery,
  clock: MemoryClock,
): ReadMatchingResult {
  const items = normalizeDecisionQuery(query);
  const open = [...clock.open].sort((a, b) => (a < b ? -1 : 1));
  const xmin = open[0] ?? clock.next;
  return {
    events: log.filter((e) => matchesItems(e, items)).map(copy),
    after: { position: log.at(-1)?.position ?? 0n, snapshot: `${xmin}:${clock.next}:${open.join(',')}` },
  };
}

/**
 * @throws AppendConditionError when an event of `log` (committed) matches the condition
 *   and came after its read point; the append's own events (`own`) do not count.
 * @internal
 */
export function checkCondition(
  log: readonly EventEnvelope[],
  condition: PreparedCondition,
  own: ReadonlySet<string>,
  streamIds: readonly string[],
): void {
  const snapshot = condition.snapshot === undefined ? undefined : parseSnapshot(condition.snapshot);
  const unseen = (e: EventEnvelope): boolean => {
    if (snapshot) return e.transactionId >= snapshot.xmax || snapshot.open.includes(e.transactionId);
    return condition.position === undefined || e.position > condition.position;
  };
  const hit = log.find(
    (e) =>
      !own.has(e.eventId) && ofConditionTenant(e, condition.tenant) && matchesItems(e, condition.items) && unseen(e),
  );
  if (hit) throw new AppendConditionError(streamIds, condition.readAt);
}

/**
 * Another open transaction (of those holding events pending, `pendingIds`) that holds
 * one of the append's event ids, or, for a conditional append, an event that matches
 * its condition: the append waits for it, as the guard's locks make it wait in PostgreSQL.
 * @internal
 */
export function holderOf(
  pendingIds: ReadonlyMap<string, Transaction>,
  prepared: PreparedAppend,
  tx: Transaction,
): Transaction | undefined {
  for (const e of prepared.events) {
    const holder = pendingIds.get(e.eventId);
    if (holder && holder !== tx) return holder;
  }
  const { items, tenant } = prepared.condition ?? {};
  if (!items) return undefined;
  for (const other of new Set(pendingIds.values())) {
    if (other !== tx && other.pending.some((e) => ofConditionTenant(e, tenant) && matchesItems(e, items))) return other;
  }
  return undefined;
}
