// The public API of @app/event-sourcing. Testing helpers live in @app/event-sourcing/testing.

// module
export { EventSourcingModule } from './event-sourcing.module';
export type { DatabaseOption, EventSourcingModuleOptions, PostgresConnectionOptions } from './event-sourcing-options';

// errors
export { EventSourcingError, type EventSourcingErrorCode } from './errors/event-sourcing-error';
export { ConcurrencyError } from './errors/concurrency-error';
export { DuplicateEventIdError } from './errors/duplicate-event-id-error';
export { InvalidStreamIdError } from './errors/invalid-stream-id-error';
export { InvalidEventError } from './errors/invalid-event-error';
export { EventTooLargeError } from './errors/event-too-large-error';
export { InvalidExpectedVersionError } from './errors/invalid-expected-version-error';
export { InvalidQueryError } from './errors/invalid-query-error';
export { ConfigurationError } from './errors/configuration-error';
export { EmbeddedDatabaseError } from './errors/embedded-database-error';

// events
export type { EventEnvelope, EventMetadata, NewEvent } from './events/event-envelope';

// store
export {
  EventStore,
  START_OF_STORE,
  type AppendOptions,
  type AppendResult,
  type EventStoreTransaction,
  type GlobalCursor,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
} from './store/event-store';
export type { ExpectedVersion } from './store/expected-version';
export { DEFAULT_QUERY_LIMIT, type EventFilter, type EventQuery, type EventQueryPaging } from './store/event-query';
export { MAX_EVENT_TYPE_LENGTH, MAX_STREAM_ID_LENGTH } from './store/prepared-append';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './store/in-memory/in-memory-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions } from './store/postgres/postgres-event-store';
export { eventStoreMigrations, type MigrationClass } from './store/postgres/store-migrations';
export { EmbeddedPostgresServer, type EmbeddedPostgresOptions } from './store/postgres/embedded-postgres-server';
export type { DatabaseKind } from './store/postgres/database-connection';

// health
export { EventStoreHealthIndicator } from './health/event-store-health-indicator';
