import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventEnvelope, NewEvent } from '../../events/event-envelope';
import { normalizeQuery, type EventQuery } from '../event-query';
import {
  EventStore,
  START_OF_STORE,
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
import { assertStreamId, prepareAppend, typesOf, withRequirements, type PreparedAppend } from '../prepared-append';
import { resolvePageSize } from '../read-options';
import { iteratePages } from '../iterate-pages';
import { PostgresLifecycle } from './postgres-lifecycle';
import { checkedKey, lookupTenant, type NaturalKeyLookup, type StreamTombstone } from '../stream-effects';
import { assertBuriable } from '../tombstones';
import { TOMBSTONES_STREAM } from '../../events/stream-lifecycle-types';
import { readEvents } from './event-row';
import { buildEventQuerySql } from './event-query-sql';
import { PostgresAppend } from './postgres-append';
import { againOnConflict } from '../again-on-conflict';
import { runTransaction, type TransactionScope, type TransactionStore } from './postgres-transaction';
import { quoteIdentifier } from '../../database/quote-identifier';
import { PoolConnections } from './pool-connections';
import {
  buildReadStatements,
  readAllQuery,
  readStreamOn,
  streamDescriptionOf,
  type ReadStatements,
} from './read-statements';
import { resolveWritePath, type WritePathSwitches } from '../../options/write-path-options';
import { WriteCaches } from './write-caches';
import { textRows } from './text-rows';
import { appendsInFlightOption } from '../../options/appends-in-flight-option';
import { AppendBatcher } from './append-batcher';
import type { StoreHooks } from '../store-hooks';
import type { DecisionQuery, ReadMatchingResult } from '../decision-query';
import { prepareMany } from '../prepared-many';
import { readMatchingOn } from './read-matching';
import { PostgresSubjectKeys } from './postgres-subject-keys';
import type { PostgresEventStoreOptions } from './postgres-event-store-options';

export type { PostgresEventStoreOptions } from './postgres-event-store-options';
import { forgetOnPostgres } from './postgres-forget';
import { tenantScopeOf } from '../tenant-scope';
import { finalAppendError } from './final-append-error';
import { appendWithRaces } from './append-retries';

/**
 * The event store on PostgreSQL, through TypeORM's connection pool: each call checks
 * out one connection and runs named, prepared statements on it. An append is one
 * statement, so one round trip. The schema comes from the store's migrations
 * (`eventStoreMigrations`).
 *
 * Appends of this process to one stream queue up, so that one the previous append has
 * just overtaken fails with `ConcurrencyError` without a round trip; under load,
 * single-event appends share statements (group commit, `appendsInFlight`). docs/internals.md,
 * "The append path", has the details.
 */
export class PostgresEventStore extends EventStore {
  private readonly sql: ReadStatements;
  private readonly appender: PostgresAppend;
  private readonly writes = new WriteCaches();
  private readonly batcher: AppendBatcher;
  private readonly connections: PoolConnections;
  /** The replica's, or the primary's: where reads that may lag go. */
  private readonly laggingReads: PoolConnections;
  private readonly maxEventSize: number;
  private readonly batchSize: number;
  private readonly writeAttempts: number;
  private readonly hooks: StoreHooks;
  private readonly transactions: TransactionStore;
  private readonly switches: WritePathSwitches;
  private readonly keys: PostgresSubjectKeys;
  private readonly lifecycle: PostgresLifecycle;

  constructor(
    private readonly dataSource: DataSource,
    options: PostgresEventStoreOptions = {},
  ) {
    super();
    const schema = quoteIdentifier(options.schema ?? 'public');
    this.sql = buildReadStatements(schema);
    this.switches = resolveWritePath(options.writePath, 'PostgresEventStore');
    this.appender = new PostgresAppend(schema, this.writes, this.switches);
    this.lifecycle = new PostgresLifecycle(schema);
    this.caches.add(this.writes);
    this.maxEventSize = options.maxEventSize ?? 1024 * 1024;
    this.batchSize = options.batchSize ?? 500;
    this.writeAttempts = options.writeAttempts ?? 5;
    this.hooks = options.hooks ?? {};
    this.keys = new PostgresSubjectKeys(schema, options.personalData, this.maxEventSize);
    this.caches.add(this.keys.keyring);
    // The database may come back from elsewhere (a failover, a restore) without events it had.
    this.connections = new PoolConnections(dataSource, () => this.caches.clear());
    // No write cache rests on the replica's connections: nothing to clear when one breaks.
    this.laggingReads = options.replica ? new PoolConnections(options.replica, () => undefined) : this.connections;
    this.batcher = new AppendBatcher(
      {
        one: (prepared) => this.connections.use((client) => this.appendWithRetries(client, prepared, false)),
        many: (prepared) => this.connections.use((client) => this.appender.runMany(client, prepared)),
        joinable: (prepared) => this.appender.joinable(prepared),
      },
      appendsInFlightOption(options.appendsInFlight, 'PostgresEventStore'),
    );
    this.transactions = {
      dataSource,
      hooks: this.hooks,
      append: (client, prepared) =>
        this.lifecycle.withEffects(client, prepared, () => this.appendWithRetries(client, prepared, true)),
      guard: (client, condition, appends) => this.appender.guardAll(client, condition, appends),
      readStream: (client, streamId, readOptions) => this.readStreamWith(client, streamId, readOptions),
    };
  }

  override async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const prepared = this.prepare(streamId, events, options);
    const plan = this.appender.planFor(prepared, false);
    if (plan.transaction || prepared.effects || this.hooks.inline?.wants(prepared.events.map((e) => e.type))) {
      // Inline projections, a guard of its own, natural keys and lifecycle run in the append's transaction.
      return againOnConflict(() => this.inTransaction((scope) => scope.append(prepared)), this.writeAttempts);
    }
    const send = (): Promise<AppendResult> => this.batcher.append(prepared);
    const result = await (plan.lane ? this.writes.lanes.run(prepared, send) : send());
    // In a transaction, `runTransaction` tells it.
    if (prepared.required) this.hooks.requirements?.passed(prepared.required);
    if (result.written) this.hooks.committed?.(typesOf(prepared));
    return result;
  }

  override async appendMany(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]> {
    const many = prepareMany(appends, options, this.maxEventSize);
    const { condition } = many;
    const prepared = many.appends.map((part) => withRequirements(part, this.hooks.requirements));
    const appendAll = (scope: TransactionScope): Promise<AppendResult[]> =>
      scope.guard(condition, prepared).then(async () => {
        const results: AppendResult[] = [];
        for (const part of prepared) results.push(await scope.append(part));
        return results;
      });
    // A deadlock (streams in opposite orders) rolled it back whole: run it again.
    return againOnConflict(() => this.inTransaction(appendAll), this.writeAttempts);
  }

  override readMatching(query: DecisionQuery): Promise<ReadMatchingResult> {
    return this.connections.use((client) =>
      readMatchingOn(client, this.sql.schema, query, (events) => this.keys.open(client, events)),
    );
  }

  override forget(subject: string): Promise<ForgetResult> {
    return forgetOnPostgres(
      {
        keys: this.keys,
        erasers: this.erasers,
        inTransaction: (work) => this.inTransaction(work),
        requirements: this.hooks.requirements,
        scope: tenantScopeOf(this),
      },
      subject,
      (streamIds) => streamIds.forEach((id) => this.caches.forget(id)),
    );
  }

  override transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    return this.inTransaction((scope) =>
      work({
        append: (streamId, events, options) => scope.append(this.prepare(streamId, events, options)),
        readStream: (streamId, options) => scope.readStream(streamId, options),
      }),
    );
  }

  /** An append checked and serialised, with the permissions the current work requires. */
  private prepare(streamId: string, events: readonly NewEvent[], options?: AppendOptions): PreparedAppend {
    return withRequirements(prepareAppend(streamId, events, options, this.maxEventSize), this.hooks.requirements);
  }

  /** Runs `work` in one transaction on one connection, with appends of prepared events. */
  private inTransaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    return runTransaction(this.transactions, work);
  }

  /** The append with its tries (see `appendWithRaces`) and, first, its subjects' keys. */
  private async appendWithRetries(
    client: PoolClient,
    prepared: PreparedAppend,
    inTransaction: boolean,
  ): Promise<AppendResult> {
    if (prepared.subjects && !prepared.claims) {
      return this.keys.append(client, prepared, inTransaction, (sealed) =>
        this.appendWithRetries(client, sealed, inTransaction),
      );
    }
    return appendWithRaces(
      () => this.appender.run(client, prepared, inTransaction),
      inTransaction,
      this.writeAttempts,
      (error) => finalAppendError(error, prepared, () => this.versionOn(client, prepared.streamId)),
    );
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]> {
    const events = await this.connections.use((client) => this.readStreamWith(client, streamId, options));
    // Outside a transaction, what was read is committed: the stream has these versions.
    const highest = events.reduce((max, e) => Math.max(max, e.version), 0);
    this.writes.known.learn(streamId, highest);
    return events;
  }

  override async *iterateStream(streamId: string, options: IterateStreamOptions = {}): AsyncIterable<EventEnvelope> {
    assertStreamId(streamId);
    yield* iteratePages((page) => this.readStream(streamId, page), options, this.batchSize);
  }

  override async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START_OF_STORE;
    const limit = resolvePageSize('limit', options.limit, this.batchSize);
    const { statement, values } = readAllQuery(this.sql, after, limit, options);
    const events = await this.connections.use(async (client) =>
      this.keys.open(client, await readEvents(client, statement, values, this.switches.textRows)),
    );
    const last = events.at(-1);
    return { events, cursor: last ? { transactionId: last.transactionId, position: last.position } : after };
  }

  override async queryEvents(eventQuery?: EventQuery): Promise<EventEnvelope[]> {
    return this.laggingReads.use((client) => this.queryOn(client, eventQuery));
  }

  /** `queryEvents` on this connection (a transaction's: see `queryEventsIn`). @internal */
  async queryOn(client: PoolClient, eventQuery?: EventQuery): Promise<EventEnvelope[]> {
    const { text, params } = buildEventQuerySql(this.sql.schema, normalizeQuery(eventQuery));
    // Built per query, so not prepared: an unnamed statement.
    return this.keys.open(client, await readEvents(client, { name: '', text }, params, this.switches.textRows));
  }

  override async streamVersion(streamId: string): Promise<number> {
    assertStreamId(streamId);
    const version = await this.connections.use((client) => this.versionOn(client, streamId));
    this.writes.known.learn(streamId, version);
    return version;
  }

  override async describeStream(streamId: string): Promise<StreamDescription | undefined> {
    assertStreamId(streamId);
    const [row] = await this.connections.use((client) => textRows(client, this.sql.describeStream, [streamId]));
    return row && streamDescriptionOf(streamId, row);
  }

  override async hardDeleteStream(streamId: string, options: { reason?: string } = {}): Promise<StreamTombstone> {
    assertBuriable(streamId);
    const tombstone = await this.inTransaction((scope) =>
      this.lifecycle.hardDelete(
        scope,
        streamId,
        (event) => this.prepare(TOMBSTONES_STREAM, [event], { streamType: '$es' }),
        options.reason,
      ),
    );
    this.caches.forget(streamId);
    return tombstone;
  }

  override tombstoneOf(streamId: string): Promise<StreamTombstone | undefined> {
    assertStreamId(streamId);
    return this.connections.use((client) => this.lifecycle.tombstoneOf(client, streamId));
  }

  override async findByNaturalKey(key: string, value: string, options?: NaturalKeyLookup): Promise<string | undefined> {
    const claim = checkedKey(key, value);
    const tenant = lookupTenant(options);
    return this.connections.use((client) => this.lifecycle.findByNaturalKey(client, tenant, claim.key, claim.value));
  }

  /** The stream's version (0 when it has no events), read on `client`. */
  private async versionOn(client: PoolClient, streamId: string): Promise<number> {
    const [row] = await textRows(client, this.sql.streamVersion, [streamId], this.switches.textRows);
    return Number(row![0]);
  }

  private async readStreamWith(
    client: PoolClient,
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<EventEnvelope[]> {
    return this.keys.open(client, await readStreamOn(client, this.sql, streamId, options, this.switches.textRows));
  }
}
