import type { LoggerOptions } from 'typeorm';
import { ConfigurationError } from '../errors/configuration-error';
import type { EmbeddedPostgresOptions } from '../database/embedded-postgres-server';
import type { ReadReplicaOptions } from '../database/read-replica';
import type { PostgresConnectionOptions } from '../database/database-connection';
import { MAX_PARTITIONS } from './max-partitions';
import { appendsInFlightOption } from './appends-in-flight-option';
import { resolveWritePath, type WritePathOptions, type WritePathSwitches } from './write-path-options';
import { resolveQueryCache, type QueryCacheOptions, type QueryCacheSettings } from './query-cache-option';
import { resolvePersonalData, type PersonalDataOptions, type PersonalDataSettings } from './personal-data-option';

export type { PostgresConnectionOptions };

/**
 * Where events live:
 * - a `postgres://` URL, or TypeORM PostgreSQL data-source options;
 * - `'embedded'`: a real PostgreSQL started from npm packages (see `embedded`);
 * - `'memory'`: the in-memory store, nothing kept;
 * - absent: `DATABASE_URL` when set, else `'embedded'`.
 */
export type DatabaseOption = string | Omit<PostgresConnectionOptions, 'type'>;

/** Options of {@link EventSourcingModule.forRoot}. */
export interface EventSourcingModuleOptions {
  /** See {@link DatabaseOption}. */
  database?: DatabaseOption;
  /** The embedded PostgreSQL's data folder and port. */
  embedded?: Omit<EmbeddedPostgresOptions, 'onLog'>;
  /** Schema of the store's tables. Default `public`. */
  schema?: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Largest event accepted, data plus metadata as JSON, in bytes. Default 1 MiB. */
  maxEventSize?: number;
  /** Events per page of reads and iterations. Default 500. */
  batchSize?: number;
  /**
   * `application_name` of the connections, shown in `pg_stat_activity`; name instances
   * and roles apart (`bank-api-1`, `bank-worker`). Default `event-sourcing`.
   */
  applicationName?: string;
  /** TypeORM query logging. Default: errors only. */
  logging?: LoggerOptions;
  /**
   * Command handlers that fail with `ConcurrencyError` run again, up to `attempts` tries
   * in all, after a random pause within a window that starts at `backoffMs` and doubles
   * with each try (at most 1 s). Default 10 tries, 10 ms.
   * `@CommandRetry` overrides it per handler.
   */
  commandRetry?: { attempts?: number; backoffMs?: number };
  /**
   * Aggregates kept in memory per aggregate class after a command saved them, at most
   * this many (least recently used go first). Default 0: every command reads its
   * aggregate's stream. With warm aggregates, the next command on the same aggregate in
   * this process skips that read, and is still decided on current state even when other
   * instances write the same streams:
   * - its save appends with the kept version as expected version, so a stale aggregate
   *   fails with `ConcurrencyError` and the handler runs again on the stored stream;
   * - before any other write (another aggregate's save, a nested command), and when the
   *   command saves nothing or fails, the stream's version is asked (one cheap query):
   *   a stale copy runs the handler again.
   *
   * Used only inside `@CommandHandler`s, never on their last try, nor by in-process event
   * handlers. Do not keep references to an aggregate after the handler returns.
   */
  warmAggregates?: number;
  /**
   * Group commit: how many statements of single-event appends with a number as expected
   * version may be in flight at once. Past this many, such appends wait for one to finish
   * and go out together, in one statement and one transaction, each still checked against
   * its own expected version. Other appends never wait. Default 4; `Infinity` sends every
   * append alone.
   */
  appendsInFlight?: number;
  /** The append path's other mechanisms, each on by default: see {@link WritePathOptions}. */
  writePath?: WritePathOptions;
  /**
   * Keep an index on each event's `metadata.correlationId`, so that
   * `queryEvents({ correlationId })` does not scan the table. Default false: the index
   * weighs on every append. When on, each start (with `runMigrations`) builds it if it is
   * missing or unusable (holding appends back meanwhile); turned off, the index stays until you drop it,
   * and each start logs a warning. docs/operations.md has the details.
   */
  correlationIdIndex?: boolean;
  /**
   * Keep `queryEvents` answers of the injectable `EventQueryCache` (which the operator
   * routes and the `/admin` page use) for a while: `true` for 5 s and 100 answers, or
   * `{ ttl, maxEntries }`. Dropped as soon as this process appends an event of a type
   * they may hold; appends of other processes show after `ttl` at most. Default off.
   */
  queryCache?: QueryCacheOptions | boolean;
  /**
   * How the keys of personal data are kept: a master key that wraps them, how long one is
   * cached. See {@link PersonalDataOptions} and docs/personal-data.md.
   */
  personalData?: PersonalDataOptions;
  /**
   * A replica of the database for reads that may lag: `queryEvents` (so `GET /events`,
   * the admin page's events browser, `events query` of the CLI) reads there, and
   * `ReadReplica.dataSource` serves your read-model queries. Appends, stream reads,
   * lifecycle checks, subscribers and `waitFor` stay on the primary. See docs/scaling.md.
   * Default none: every read on the primary.
   */
  readReplica?: ReadReplicaOptions;
  /** What reading a stored event whose type has no class does: throw (default) or skip it. */
  unknownEvents?: 'throw' | 'skip';
  /**
   * Scope the store by tenant (docs/tenancy.md): while work runs for a tenant
   * (`MessageContext`'s `tenantId`, set from a verified token, a trusted header or code),
   * its appends are stamped with it and every read sees its streams alone; other work
   * sees all. Default false: the store runs as without tenants, the same statements.
   */
  tenancy?: boolean;
  /** Run the store's (and your) migrations at startup, under an advisory lock. Default true. */
  runMigrations?: boolean;
  /** How durable subscribers (async projections, durable handlers, sagas) run here. */
  subscriptions?: SubscriptionOptions;
  /**
   * More TypeORM data-source options, such as your read models' `entities` and
   * `migrations` (entities registered with `TypeOrmModule.forFeature` are loaded anyway).
   * `synchronize` applies to your entities only: the store's tables are not entities.
   */
  typeorm?: Partial<Omit<PostgresConnectionOptions, 'type'>>;
}

/** Options of the durable subscribers, under `subscriptions`. */
export interface SubscriptionOptions {
  /**
   * Whether this instance runs subscribers. Default true. Each runs on one instance at a
   * time anyway; set it false on instances that should only serve requests.
   */
  run?: boolean;
  /** How often an idle subscriber looks at the store without being woken. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How often a standby instance tries to take a subscriber over. Default 1000 ms. */
  leaseRetryMs?: number;
  /** Longest pause between tries while the database is away. Default 2000 ms. */
  maxBackoffMs?: number;
  /** How long an open transaction may hide events before the status reports it. Default 2000 ms. */
  heldBackAfterMs?: number;
  /**
   * Appends wake the subscribers of other instances at once through a NOTIFY; appends
   * made within this many milliseconds of the last one's share the next NOTIFY, so that
   * a busy writer does not double the statements the server runs. Their subscribers
   * learn of such appends that much later (this process's own at once). Default 5; 0
   * sends one per append (coalescing only while one is in flight).
   */
  notifyIntervalMs?: number;
  /**
   * How often an instance running a partitioned subscriber refreshes its row in
   * `es_instances`. Default 1000 ms.
   */
  heartbeatMs?: number;
  /**
   * How long after its last heartbeat an instance stops counting as live: its
   * partitions are then taken over by the others (its locks went with its connection
   * already, but the shares of the others grow only then). Default 5000 ms.
   */
  instanceTimeoutMs?: number;
  /**
   * Partitions of subscribers by name, over what their decorators declare (see
   * `SubscriberOptions.partitions`): a deployment can split a projection without a code
   * change, e.g. `{ 'bank-accounts': 4 }`. A name no subscriber has, or a saga's, stops
   * the start. Default none.
   */
  partitions?: Record<string, number>;
}

/** Options with their defaults filled in. @internal */
export interface ResolvedOptions extends Omit<
  EventSourcingModuleOptions,
  'commandRetry' | 'subscriptions' | 'queryCache' | 'personalData'
> {
  schema: string;
  poolSize: number;
  maxEventSize: number;
  batchSize: number;
  applicationName: string;
  runMigrations: boolean;
  unknownEvents: 'throw' | 'skip';
  tenancy: boolean;
  warmAggregates: number;
  appendsInFlight: number;
  writePath: WritePathSwitches;
  correlationIdIndex: boolean;
  queryCache: QueryCacheSettings;
  personalData: PersonalDataSettings;
  commandRetry: { attempts: number; backoffMs: number };
  subscriptions: Required<SubscriptionOptions>;
}

/**
 * The token of the module's options with their defaults filled in: resolved once, by
 * the module, and injected where they are read. @internal
 */
export const RESOLVED_OPTIONS = Symbol('nest-event-sourcing:resolved-options');

/** Fills in defaults. @internal */
export function resolveOptions(options: EventSourcingModuleOptions): ResolvedOptions {
  return {
    ...options,
    schema: options.schema ?? 'public',
    poolSize: options.poolSize ?? 10,
    maxEventSize: options.maxEventSize ?? 1024 * 1024,
    batchSize: options.batchSize ?? 500,
    applicationName: options.applicationName ?? 'event-sourcing',
    runMigrations: options.runMigrations ?? true,
    unknownEvents: options.unknownEvents ?? 'throw',
    tenancy: booleanOption('tenancy', options.tenancy ?? false),
    warmAggregates: nonNegativeInteger('warmAggregates', options.warmAggregates ?? 0),
    appendsInFlight: appendsInFlightOption(options.appendsInFlight, 'EventSourcingModule'),
    writePath: resolveWritePath(options.writePath, 'EventSourcingModule'),
    correlationIdIndex: booleanOption('correlationIdIndex', options.correlationIdIndex ?? false),
    queryCache: resolveQueryCache(options.queryCache),
    personalData: resolvePersonalData(options.personalData),
    commandRetry: { attempts: options.commandRetry?.attempts ?? 10, backoffMs: options.commandRetry?.backoffMs ?? 10 },
    subscriptions: {
      run: options.subscriptions?.run ?? true,
      pollIntervalMs: options.subscriptions?.pollIntervalMs ?? 1000,
      leaseRetryMs: options.subscriptions?.leaseRetryMs ?? 1000,
      maxBackoffMs: options.subscriptions?.maxBackoffMs ?? 2000,
      heldBackAfterMs: options.subscriptions?.heldBackAfterMs ?? 2000,
      notifyIntervalMs: nonNegativeInteger(
        'subscriptions.notifyIntervalMs',
        options.subscriptions?.notifyIntervalMs ?? 5,
      ),
      heartbeatMs: positiveInteger('subscriptions.heartbeatMs', options.subscriptions?.heartbeatMs ?? 1000),
      instanceTimeoutMs: positiveInteger(
        'subscriptions.instanceTimeoutMs',
        options.subscriptions?.instanceTimeoutMs ?? 5000,
      ),
      partitions: partitionCounts(options.subscriptions?.partitions ?? {}),
    },
  };
}

function partitionCounts(counts: Record<string, number>): Record<string, number> {
  for (const [name, count] of Object.entries(counts)) {
    if (positiveInteger(`subscriptions.partitions['${name}']`, count) > MAX_PARTITIONS) {
      throw new ConfigurationError(
        `EventSourcingModule option subscriptions.partitions['${name}'] must be at most ${MAX_PARTITIONS}, not ${count}.`,
      );
    }
  }
  return { ...counts };
}

function positiveInteger(option: string, value: number): number {
  if (nonNegativeInteger(option, value) === 0) {
    throw new ConfigurationError(`EventSourcingModule option ${option} must be a whole number >= 1, not 0.`);
  }
  return value;
}

function nonNegativeInteger(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(
      `EventSourcingModule option ${option} must be a whole number >= 0, not ${String(value)}.`,
    );
  }
  return value;
}

function booleanOption(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new ConfigurationError(`EventSourcingModule option ${option} must be true or false, not ${String(value)}.`);
  }
  return value;
}
