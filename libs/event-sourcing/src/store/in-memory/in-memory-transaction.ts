import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import type { EventEnvelope, EventMetadata } from '../../events/event-envelope';
import type { PreparedCondition } from '../decision-query';
import type { AppendResult } from '../event-store';
import { replayBaseMatches } from '../expected-version';
import type { PreparedAppend } from '../prepared-append';
import type { PreparedEffects } from '../stream-effects';
import { lockOwner, type LockOwner } from './transaction-locks';

/** Tries of a single append that lost a deadlock, as the PostgreSQL store's default `writeAttempts`. @internal */
export const WRITE_ATTEMPTS = 5;

/** A stream as the store holds it. @internal */
export interface StreamState {
  version: number;
  type: string;
  events: EventEnvelope[];
  /** Set by a soft delete, cleared by a restore. */
  deleted?: boolean;
}

/** An open transaction of the store. @internal */
export interface Transaction {
  id: bigint;
  pending: EventEnvelope[];
  /** The streams it wrote, as they will be when it commits. */
  streams: Map<string, StreamState>;
  locks: LockOwner;
  /** Appends of it in flight, by stream: a stream's lock is kept while one runs. */
  appending: Map<string, number>;
  /** Set when it lost a deadlock: it is rolled back, and every later call fails. */
  conflict?: TransactionConflictError;
  /** The conditions of its appends, checked again when it commits. */
  conditions: PreparedCondition[];
  /** The ids of every event it appended (or found stored by an earlier try). */
  appended: Set<string>;
  /** The natural keys and lifecycle changes of its appends, by stream, checked again and applied at commit. */
  effects: { streamId: string; effects: PreparedEffects }[];
}

/** A new open transaction with id `id`. @internal */
export function openTransaction(id: bigint): Transaction {
  return {
    id,
    pending: [],
    streams: new Map(),
    locks: lockOwner(),
    appending: new Map(),
    conditions: [],
    appended: new Set(),
    effects: [],
  };
}

/** The envelopes of `prepared`'s events, written by `tx` after `version`, from position `next` on. @internal */
export function envelopesOf(
  prepared: PreparedAppend,
  tx: Transaction,
  version: number,
  next: () => bigint,
): EventEnvelope[] {
  const createdAt = new Date();
  return prepared.events.map<EventEnvelope>((e, i) => ({
    eventId: e.eventId,
    streamId: prepared.streamId,
    version: version + i + 1,
    position: next(),
    transactionId: tx.id,
    type: e.type,
    revision: e.revision,
    data: JSON.parse(e.dataJson) as unknown,
    metadata: JSON.parse(e.metadataJson) as EventMetadata,
    tags: [...e.tags],
    createdAt,
  }));
}

/**
 * The result of an earlier identical append, when every event is already at its place:
 * stored (`stored`, by event id) or pending in `tx`. @internal
 */
export function replayOf(
  prepared: PreparedAppend,
  tx: Transaction,
  stored: ReadonlyMap<string, EventEnvelope>,
): AppendResult | undefined {
  const found = prepared.events.map((e) => stored.get(e.eventId) ?? tx.pending.find((p) => p.eventId === e.eventId));
  const first = found[0];
  if (!first || first.streamId !== prepared.streamId) return undefined;
  const base = first.version - 1;
  const inPlace = found.every((e, i) => e?.streamId === prepared.streamId && e.version === base + i + 1);
  if (!replayBaseMatches(prepared.expectedVersion, base) || !inPlace) return undefined;
  const last = found.at(-1)!;
  return { streamVersion: last.version, position: last.position, written: false };
}

/** @throws TransactionConflictError once `tx` lost a deadlock. @internal */
export function usable(tx: Transaction): void {
  if (tx.conflict) throw new TransactionConflictError({ cause: tx.conflict });
}
