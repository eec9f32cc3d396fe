import type { EventEnvelope, NewEvent } from '../events/event-envelope';
import type { EventQuery } from './event-query';
import type { AppendCondition, DecisionQuery, ReadMatchingResult } from './decision-query';
import type { ExpectedVersion } from './expected-version';
import { StreamCaches } from './stream-caches';
import { SubjectErasers } from './personal-data/subject-erasers';
import type {
  ForgetResult,
  IterateStreamOptions,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
} from './event-store-types';

export {
  START_OF_STORE,
  type ForgetResult,
  type GlobalCursor,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
} from './event-store-types';
import type { NaturalKeyChanges, NaturalKeyLookup, StreamLifecycleChange, StreamTombstone } from './stream-effects';
import { changeLifecycle, type LifecycleOptions } from './stream-lifecycle';

/** Options of {@link EventStore.append}. */
export interface AppendOptions {
  /** Defaults to `'any'`. A mismatch throws `ConcurrencyError` and writes nothing. */
  expectedVersion?: ExpectedVersion;
  /**
   * Category of the stream, stored once when the stream is created. Defaults to the
   * stream id's prefix before the first `-` (`account-42` → `account`).
   */
  streamType?: string;
  /**
   * Fail with `AppendConditionError`, writing nothing, when an event matching
   * `condition.query` was committed after `condition.after` (see {@link EventStore.readMatching}).
   */
  condition?: AppendCondition;
  /**
   * Natural keys the stream claims or releases, in the append's transaction: a key value
   * held by another stream fails the append with `NaturalKeyTakenError`, writing nothing.
   * Such an append runs in a transaction of its own (not the group-committed fast path).
   */
  naturalKeys?: NaturalKeyChanges;
  /**
   * Soft-delete or restore the stream with this append, as {@link EventStore.deleteStream}
   * and {@link EventStore.restoreStream} do: their event goes after the given ones (then optional).
   */
  lifecycle?: StreamLifecycleChange;
}

/** One stream's part of {@link EventStore.appendMany}. */
export interface StreamAppend {
  streamId: string;
  events: readonly NewEvent[];
  /** Defaults to `'any'`, as in {@link AppendOptions}. */
  expectedVersion?: AppendOptions['expectedVersion'];
  streamType?: string;
}

/** Options of {@link EventStore.appendMany}. */
export interface AppendManyOptions {
  /** As {@link AppendOptions.condition}, for all the streams together. */
  condition?: AppendCondition;
}

/** What an append did. */
export interface AppendResult {
  /** The stream's version after the append: the version of its last appended event. */
  streamVersion: number;
  /** Global position of the last appended event. */
  position: bigint;
  /** False when every event was already stored by an earlier try of the same append. */
  written: boolean;
}

/** What the store knows of one stream, as {@link EventStore.describeStream} answers it. */
export interface StreamDescription {
  streamId: string;
  /** Its category, stored when it was created (`account` for `account-42` unless given). */
  streamType: string;
  /** Its current version: the version of its last event (0 when it has none). */
  version: number;
  /** True once the stream is soft-deleted. */
  deleted: boolean;
  /** When its first event was stored. */
  createdAt: Date;
}

/**
 * A unit of work on the store: appends made through it commit or roll back together.
 * @see EventStore.transaction
 */
export interface EventStoreTransaction {
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;
}

/**
 * The event store. Inject it as `EventStore`; the module binds it to the PostgreSQL
 * store, or to the in-memory one with `database: 'memory'`.
 *
 * Guarantees (both implementations): appends are atomic; `expectedVersion` is checked
 * with the append in one step; re-appending the same event ids at the same versions is
 * a no-op; `readAll` never returns an event after one that committed later but sits
 * before it in its order (see `readAll`).
 */
export abstract class EventStore {
  /**
   * What this process keeps about streams, here and in what is built on the store
   * (warm aggregates, snapshot versions): one `forget(streamId)` and one `clear()` for all.
   * @internal
   */
  readonly caches = new StreamCaches();

  /**
   * What keeps copies of event data outside the store (snapshots, idempotency records,
   * saga state) and erases them when a subject is forgotten, in the forget's transaction.
   * @internal
   */
  readonly erasers = new SubjectErasers();

  /**
   * Appends events to a stream, atomically.
   * @throws ConcurrencyError when `expectedVersion` does not match; nothing is written.
   * @throws DuplicateEventIdError when an event id is stored already, other than as an exact retry.
   *   An id that an open transaction holds is decided when that transaction ends.
   * @throws TransactionConflictError when it lost a deadlock with transactions on every
   *   try (they are retried a few times); nothing was written.
   * @throws AppendConditionError when `condition` fails (see {@link readMatching}); nothing is written.
   * @throws InvalidStreamIdError, InvalidEventError, EventTooLargeError, InvalidExpectedVersionError,
   *   InvalidTagError, InvalidQueryError (a bad condition) for bad input; nothing is written.
   * @example
   * const { streamVersion } = await store.append('account-42', [
   *   { type: 'bank.money-deposited', data: { amount: 500 } },
   * ], { expectedVersion: 3 });
   */
  abstract append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;

  /**
   * Appends to several streams in one transaction: all of it lands, or none. Each
   * stream's `expectedVersion` holds as in {@link append}; `condition` holds for the
   * whole (see {@link readMatching}). Streams are written in the order given.
   * @throws AppendConditionError when the condition fails; nothing is written.
   * @throws ConcurrencyError, DuplicateEventIdError, TransactionConflictError and bad
   *   input errors as {@link append}, and InvalidEventError for an empty list or a stream given twice.
   * @example
   * await store.appendMany(
   *   [{ streamId: 'course-7', events: [enrolled] }, { streamId: 'student-3', events: [enrolled] }],
   *   { condition: { query, after } },
   * );
   */
  abstract appendMany(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]>;

  /**
   * Reads the events a decision rests on: every event matching `query` (an item's
   * types AND all its tags, any item), by position, and the read point to give as
   * the condition's `after` when the decision is appended. The read point holds the
   * reader's snapshot, so an event of a transaction still open at the read counts as
   * "after" it whatever its position. The empty query reads every event.
   * @throws InvalidQueryError for an empty item, or bad types or tags.
   * @example
   * const { events, after } = await store.readMatching([{ types: ['todo.list-created'], tags: ['title:42'] }]);
   * if (events.length === 0) await store.append('list-1', [created], { condition: { query, after } });
   */
  abstract readMatching(query: DecisionQuery): Promise<ReadMatchingResult>;

  /**
   * Reads a stream's events in version order (or reversed). An unknown stream reads as empty.
   * @throws InvalidStreamIdError, InvalidQueryError for bad options.
   */
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]>;

  /**
   * Iterates a stream of any length, fetching `batchSize` events per round trip.
   * @example
   * for await (const event of store.iterateStream('account-42')) balance += amount(event);
   */
  abstract iterateStream(streamId: string, options?: IterateStreamOptions): AsyncIterable<EventEnvelope>;

  /**
   * Reads the whole store in gap-safe global order: by (transaction id, position), and
   * only events of transactions older than every transaction still open, so an event
   * committed late by a slow transaction is never passed over. Subscribers build on this.
   * A transaction left open anywhere on the PostgreSQL server holds readers back.
   */
  abstract readAll(options?: ReadAllOptions): Promise<ReadAllResult>;

  /**
   * Finds events for people and tools: by type, stream, version or position range and
   * time, several filters OR'ed with `any`. Newest first and at most 100 by default.
   * @throws InvalidQueryError for an unreadable duration or a bad range or limit.
   * @example
   * await store.queryEvents({ types: ['bank.money-withdrawn'], since: '2 weeks', limit: 20 });
   * await store.queryEvents({ any: [{ streams: ['account-1'] }, { types: ['bank.account-closed'] }] });
   */
  abstract queryEvents(query?: EventQuery): Promise<EventEnvelope[]>;

  /**
   * Forgets a data subject (crypto-shredding): deletes its key in one statement, leaving
   * a tombstone, so that every `@PersonalData` field of the subject, in every event,
   * reads as `null` from then on (named in `metadata.$forgotten`) while the events, and
   * everything else in them, stay. In the same transaction it drops the snapshots of the
   * streams that held the subject's data, erases its copies in idempotency records and
   * saga state, and stores a {@link SubjectForgotten} event for the projections that keep
   * copies of their own. Idempotent: a repeat, or an unknown subject, is fine; an unknown
   * subject is recorded as forgotten, so that no personal data of it is accepted later.
   * See docs/personal-data.md for what it can and cannot promise.
   * @throws InvalidQueryError for a subject that is not a string of 1 to 200 characters.
   * @example
   * await store.forget('account-42');
   */
  abstract forget(subject: string): Promise<ForgetResult>;

  /** The stream's current version, or 0 when it has no events. */
  abstract streamVersion(streamId: string): Promise<number>;

  /**
   * What the store knows of a stream (type, version, deleted flag, creation time), for
   * operators; `undefined` for a stream never written.
   * @throws InvalidStreamIdError for an id no stream can have.
   */
  abstract describeStream(streamId: string): Promise<StreamDescription | undefined>;

  /**
   * Soft-deletes a stream: appends `es.stream-deleted` to it, marks it deleted and releases
   * its natural keys, in one transaction. Its history stays readable (`readStream`,
   * `readAll`, `queryEvents`); repositories refuse to load it (`AggregateDeletedError`).
   * A plain `append` to it is still accepted (the repository checks, so that the append
   * path reads nothing more). Deleting a deleted stream does nothing (`written: false`).
   * @throws StreamNotFoundError for a stream never written.
   * @throws ConcurrencyError when `expectedVersion` is given and does not match.
   * @example
   * await store.deleteStream('account-42', { reason: 'closed by the customer' });
   */
  deleteStream(streamId: string, options: LifecycleOptions = {}): Promise<AppendResult> {
    return changeLifecycle(this, streamId, 'delete', options);
  }

  /**
   * Restores a soft-deleted stream: appends `es.stream-restored`, clears the deleted flag
   * and claims its natural keys again. Restoring a stream that is not deleted does nothing.
   * @throws NaturalKeyTakenError when another stream took one of its keys meanwhile; nothing is written.
   * @throws StreamNotFoundError, ConcurrencyError as {@link deleteStream}.
   */
  restoreStream(streamId: string, options: LifecycleOptions = {}): Promise<AppendResult> {
    return changeLifecycle(this, streamId, 'restore', options);
  }

  /**
   * Hard-deletes a stream, for data that must go: its events, snapshot and natural keys
   * are removed, and a tombstone is kept so that its id cannot be used again (every later
   * append to it fails with `StreamTombstonedError`). An `es.stream-tombstoned` event is
   * appended to the `$es-tombstones` stream, so subscribers learn of it. While it runs,
   * other appends wait (it locks the events table briefly). Deleting a tombstoned stream
   * again answers its tombstone.
   * @throws StreamNotFoundError for a stream never written.
   */
  abstract hardDeleteStream(streamId: string, options?: { reason?: string }): Promise<StreamTombstone>;

  /** The tombstone of a hard-deleted stream, or undefined. */
  abstract tombstoneOf(streamId: string): Promise<StreamTombstone | undefined>;

  /**
   * The stream holding a natural key's value (see {@link AppendOptions.naturalKeys}), in
   * one indexed lookup; undefined when none does (a deleted stream holds none). Keys are
   * unique per tenant: the lookup searches `options.tenantId`'s keys, or the untenanted
   * ones without it; under `tenancy: true`, work for a tenant searches its own.
   * @throws NaturalKeyIndexError when the store's key table is missing.
   */
  abstract findByNaturalKey(key: string, value: string, options?: NaturalKeyLookup): Promise<string | undefined>;

  /**
   * Runs `work` in one transaction: its appends commit together when it resolves and
   * roll back when it throws. Not retried by the store.
   *
   * An append waits for the open transactions it conflicts with: one that appended to the
   * same stream, or holds one of its event ids (written when that one rolls back, a
   * duplicate or an exact retry when it commits). Two transactions that wait for each
   * other (appends to two streams in opposite orders, say) are a deadlock: one of them is
   * rolled back, and the other goes on.
   * @throws TransactionConflictError when this transaction was the one rolled back, for a
   *   deadlock or a serialization failure, even if `work` caught the error: nothing of it
   *   was written, and every later call through `tx` fails too. Run it again.
   * @example
   * await store.transaction(async (tx) => {
   *   await tx.append('account-1', [withdrawn], { expectedVersion: 3 });
   *   await tx.append('account-2', [deposited], { expectedVersion: 7 });
   * });
   */
  abstract transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T>;
}
