import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import { TransactionConflictError } from '../../errors/transaction-conflict-error';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import { againOnConflict } from '../again-on-conflict';
import { normalizeQuery, type EventQuery } from '../event-query';
import {
  EventStore,
  type AppendManyOptions,
  type AppendOptions,
  type AppendResult,
  type StreamAppend,
  type EventStoreTransaction,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type StreamDescription,
  type ForgetResult,
} from '../event-store';
import { expectedVersionMatches } from '../expected-version';
import { assertStreamId, prepareAppend, type PreparedAppend } from '../prepared-append';
import { readStreamRange, resolvePageSize } from '../read-options';
import type { StoreHooks } from '../store-hooks';
import { queryLog, readAllPage } from './in-memory-query';
import { commitTransaction, endTransaction } from './in-memory-commit';
import { checkRequired } from '../append-requirements';
import { InMemorySubjectKeys } from './in-memory-subject-keys';
import type { InMemoryEventStoreOptions } from './in-memory-event-store-options';

export type { InMemoryEventStoreOptions } from './in-memory-event-store-options';
import {
  envelopesOf,
  openTransaction,
  replayOf,
  usable,
  type StreamState,
  type Transaction,
  WRITE_ATTEMPTS,
} from './in-memory-transaction';
import { TransactionLocks } from './transaction-locks';
import { checkCondition, holderOf, readMatchingIn } from './in-memory-conditions';
import type { DecisionQuery, ReadMatchingResult } from '../decision-query';
import { prepareMany } from '../prepared-many';
import { describeInMemory, InMemoryLifecycle, type InMemoryContents } from './in-memory-lifecycle';
import { checkedKey, lookupTenant, type NaturalKeyLookup, type StreamTombstone } from '../stream-effects';
import { assertBuriable, tombstoneEvent } from '../tombstones';
import { TOMBSTONES_STREAM } from '../../events/stream-lifecycle-types';

/**
 * An event store in process memory with the same contract as the PostgreSQL one,
 * transactions and gap-safe `readAll` included. For unit tests and fixtures; nothing
 * survives the process.
 */
export class InMemoryEventStore extends EventStore {
  private readonly streams = new Map<string, StreamState>();
  private readonly byId = new Map<string, EventEnvelope>();
  /** Committed events in global position order. */
  private readonly log: EventEnvelope[] = [];
  private readonly open = new Set<bigint>();
  /** Event ids written by open transactions, with the transaction. */
  private readonly pendingIds = new Map<string, Transaction>();
  private readonly locks = new TransactionLocks();
  private readonly lifecycle = new InMemoryLifecycle();
  private readonly contents: InMemoryContents = { streams: this.streams, byId: this.byId, log: this.log };
  private nextPosition = 1n;
  private nextTransactionId = 1n;
  private readonly maxEventSize: number;
  private readonly batchSize: number;
  private readonly hooks: StoreHooks;
  /** Personal data: events are stored sealed and opened on read. @internal */
  readonly personal: InMemorySubjectKeys;

  constructor(options: InMemoryEventStoreOptions = {}) {
    super();
    this.maxEventSize = options.maxEventSize ?? 1024 * 1024;
    this.batchSize = options.batchSize ?? 500;
    this.hooks = options.hooks ?? {};
    this.personal = new InMemorySubjectKeys(options.personalData, this.maxEventSize, this);
    this.erasers.add(({ streamIds, values }) => this.lifecycle.eraseValues(streamIds, values));
  }

  override append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    // Like the PostgreSQL store's appends outside a transaction: a lost deadlock wrote nothing, so try again.
    return againOnConflict(() => this.transaction((tx) => tx.append(streamId, events, options)), WRITE_ATTEMPTS);
  }

  override async appendMany(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]> {
    const { appends: prepared } = prepareMany(appends, options, this.maxEventSize);
    const appendAll = async (tx: EventStoreTransaction): Promise<AppendResult[]> => {
      const results: AppendResult[] = [];
      // The condition goes with the first part, checked again at commit with every part's events.
      for (const [i, { streamId, expectedVersion, streamType }] of prepared.entries()) {
        const condition = i === 0 ? options?.condition : undefined;
        results.push(await tx.append(streamId, appends[i]!.events, { expectedVersion, streamType, condition }));
      }
      return results;
    };
    return againOnConflict(() => this.transaction(appendAll), WRITE_ATTEMPTS);
  }

  override async readMatching(query: DecisionQuery): Promise<ReadMatchingResult> {
    const result = readMatchingIn(this.log, query, { open: this.open, next: this.nextTransactionId });
    return { ...result, events: await this.personal.open(result.events) };
  }

  override forget(subject: string): Promise<ForgetResult> {
    return this.personal.forget(subject, (streamId) => this.streams.get(streamId)?.events ?? []);
  }

  /**
   * @throws TransactionConflictError when the transaction was the victim of a deadlock
   *   (with another transaction, over streams and pending event ids), even if its work
   *   caught the error; nothing of it is committed.
   */
  override async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const tx = openTransaction(this.nextTransactionId++);
    this.open.add(tx.id);
    let committed: ReadonlySet<string> | undefined;
    try {
      const result = await work({
        append: (streamId, events, options) => this.appendIn(tx, streamId, events, options),
        readStream: async (streamId, options) => {
          usable(tx);
          assertStreamId(streamId);
          const current = (tx.streams.get(streamId) ?? this.streams.get(streamId))?.events ?? [];
          return this.personal.open(readStreamRange(current, options));
        },
      });
      usable(tx);
      // Inline projections, without an entity manager: one that throws rolls the transaction back.
      if (this.hooks.inline?.wants(tx.pending.map((e) => e.type))) {
        await this.hooks.inline.apply(await this.personal.open(tx.pending), undefined);
        usable(tx);
      }
      commitTransaction(this.contents, this.lifecycle, tx);
      if (tx.pending.length > 0) committed = new Set(tx.pending.map((event) => event.type));
      return result;
    } finally {
      endTransaction(tx, this.open, this.pendingIds, this.locks);
      if (committed) this.hooks.committed?.(committed);
    }
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]> {
    assertStreamId(streamId);
    return this.personal.open(readStreamRange(this.streams.get(streamId)?.events ?? [], options));
  }

  override async *iterateStream(streamId: string, options: IterateStreamOptions = {}): AsyncIterable<EventEnvelope> {
    assertStreamId(streamId);
    resolvePageSize('batchSize', options.batchSize, this.batchSize);
    yield* await this.personal.open(readStreamRange(this.streams.get(streamId)?.events ?? [], options));
  }

  override async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const limit = resolvePageSize('limit', options.limit, this.batchSize);
    const page = readAllPage(this.log, this.horizon(), options, limit);
    return { ...page, events: await this.personal.open(page.events) };
  }

  /** Like `pg_snapshot_xmin`: nothing at or above the oldest open transaction is final yet. @internal */
  horizon(): bigint {
    return this.open.size ? [...this.open].reduce((a, b) => (a < b ? a : b)) : this.nextTransactionId;
  }

  /** Like `pg_snapshot_xmax`: every transaction committed so far has a lower id. @internal */
  nextTransaction(): bigint {
    return this.nextTransactionId;
  }

  /** Committed events in global position order, not copied: for the in-memory subscriptions. @internal */
  committedEvents(): readonly EventEnvelope[] {
    return this.log;
  }

  override async queryEvents(query?: EventQuery): Promise<EventEnvelope[]> {
    return this.personal.open(
      queryLog(this.log, (e) => this.streams.get(e.streamId)?.type ?? '', normalizeQuery(query)),
    );
  }

  override async streamVersion(streamId: string): Promise<number> {
    assertStreamId(streamId);
    return this.streams.get(streamId)?.version ?? 0;
  }

  override async describeStream(streamId: string): Promise<StreamDescription | undefined> {
    assertStreamId(streamId);
    return describeInMemory(streamId, this.streams.get(streamId));
  }

  override async hardDeleteStream(streamId: string, options: { reason?: string } = {}): Promise<StreamTombstone> {
    assertBuriable(streamId);
    const { tombstone, fresh } = this.lifecycle.bury(this.contents, streamId);
    if (fresh) await this.append(TOMBSTONES_STREAM, [tombstoneEvent(tombstone, options.reason)], { streamType: '$es' });
    this.caches.forget(streamId);
    return tombstone;
  }

  override async tombstoneOf(streamId: string): Promise<StreamTombstone | undefined> {
    assertStreamId(streamId);
    return this.lifecycle.tombstoneOf(streamId);
  }

  override async findByNaturalKey(key: string, value: string, options?: NaturalKeyLookup): Promise<string | undefined> {
    const claim = checkedKey(key, value);
    return this.lifecycle.find(lookupTenant(options), claim.key, claim.value);
  }

  private async appendIn(
    tx: Transaction,
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    usable(tx);
    const prepared = this.personal.seal(prepareAppend(streamId, events, options, this.maxEventSize));
    tx.appending.set(streamId, (tx.appending.get(streamId) ?? 0) + 1);
    try {
      await this.waitFor(tx, () => this.locks.acquire(tx.locks, streamId));
      return await this.appendLocked(tx, prepared);
    } finally {
      const left = tx.appending.get(streamId)! - 1;
      if (left > 0) tx.appending.set(streamId, left);
      else tx.appending.delete(streamId);
      // As in PostgreSQL, where only written rows hold others back: an append that wrote nothing keeps no lock.
      if (left === 0 && !tx.streams.has(streamId)) this.locks.release(tx.locks, streamId);
    }
  }

  /** The append, with the stream's lock held. */
  private async appendLocked(tx: Transaction, prepared: PreparedAppend): Promise<AppendResult> {
    const { streamId, effects } = prepared;
    this.lifecycle.assertAlive(streamId);
    checkRequired(this.hooks.requirements);
    for (const e of prepared.events) tx.appended.add(e.eventId);
    const current = tx.streams.get(streamId) ?? this.streams.get(streamId);
    const version = current?.version ?? 0;
    if (!expectedVersionMatches(prepared.expectedVersion, version, current !== undefined)) {
      const replay = replayOf(prepared, tx, this.byId);
      if (replay) return replay;
      throw new ConcurrencyError(streamId, prepared.expectedVersion, version);
    }
    // An id pending in another open transaction is decided when that one ends, as
    // PostgreSQL's unique index makes the second writer wait: written if it rolled back.
    // A condition waits for the writers of matching events in flight.
    for (
      let holder = holderOf(this.pendingIds, prepared, tx);
      holder;
      holder = holderOf(this.pendingIds, prepared, tx)
    ) {
      const { locks } = holder;
      await this.waitFor(tx, () => this.locks.awaitEnd(tx.locks, locks));
    }
    const stored = prepared.events.filter((e) => this.byId.has(e.eventId) || this.pendingIds.get(e.eventId) === tx);
    if (stored.length > 0) {
      const replay = stored.length === prepared.events.length ? replayOf(prepared, tx, this.byId) : undefined;
      if (replay) return replay;
      throw new DuplicateEventIdError(streamId, stored[0]!.eventId);
    }
    if (prepared.condition) {
      checkCondition(this.log, prepared.condition, tx.appended, [streamId]);
      tx.conditions.push(prepared.condition);
    }
    this.lifecycle.check(streamId, effects);
    if (effects) tx.effects.push({ streamId, effects });
    const envelopes = envelopesOf(prepared, tx, version, () => this.nextPosition++);
    tx.pending.push(...envelopes);
    for (const envelope of envelopes) this.pendingIds.set(envelope.eventId, tx);
    tx.streams.set(streamId, {
      version: version + envelopes.length,
      type: current?.type ?? prepared.streamType,
      events: [...(current?.events ?? []), ...envelopes],
      deleted: effects?.lifecycle ? effects.lifecycle === 'delete' : current?.deleted,
    });
    const last = envelopes.at(-1)!;
    return { streamVersion: last.version, position: last.position, written: true };
  }

  /**
   * Waits for a lock or for another transaction. A wait that would deadlock ends `tx`
   * at once, rolled back, so that the others go on.
   * @throws TransactionConflictError when `tx` is the deadlock's victim.
   */
  private async waitFor(tx: Transaction, wait: () => Promise<void> | undefined): Promise<void> {
    try {
      await wait();
    } catch (error) {
      if (error instanceof TransactionConflictError) {
        tx.conflict ??= error;
        endTransaction(tx, this.open, this.pendingIds, this.locks);
      }
      throw error;
    }
    usable(tx);
  }
}
