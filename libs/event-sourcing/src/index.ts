// The public API of nest-event-sourcing. Testing helpers live in nest-event-sourcing/testing.

// module
export { EventSourcingModule } from './event-sourcing.module';
export type { EventSourcingFeature } from './event-sourcing-feature';
export type {
  DatabaseOption,
  EventSourcingModuleOptions,
  PostgresConnectionOptions,
  SubscriptionOptions,
} from './options/event-sourcing-options';
export type { WritePathOptions } from './options/write-path-options';
export type { PersonalDataOptions } from './options/personal-data-option';

// errors: every class with its stable code, listed in errors/public-errors.ts
export * from './errors/public-errors';

// events
export type { EventEnvelope, EventMetadata, NewEvent } from './events/event-envelope';
export {
  DomainEvent,
  getDomainEventMetadata,
  type DomainEventClass,
  type DomainEventMetadata,
  type DomainEventOptions,
} from './events/domain-event.decorator';
export {
  Upcaster,
  getUpcasterMetadata,
  type EventUpcaster,
  type UpcasterDefinition,
  type UpcasterTarget,
} from './events/upcaster.decorator';
export { StreamDeleted, StreamRestored, StreamTombstoned } from './events/stream-lifecycle-events';
export { STREAM_DELETED, STREAM_RESTORED, STREAM_TOMBSTONED, TOMBSTONES_STREAM } from './events/stream-lifecycle-types';
export { readEventSchemas, type EventSchema, type EventSchemas, type EventSchemaSources } from './events/event-schemas';
export {
  checkEventSchemas,
  recordEventSchemas,
  type EventSchemaCheck,
  type RecordedEventSchemas,
} from './events/event-schema-check';
export {
  compareEventSchemaFile,
  type EventSchemaComparison,
  type EventSchemaFileOptions,
} from './events/event-schema-file';
export { Tag } from './events/tag.decorator';
export { PersonalData, type PersonalDataFieldOptions } from './events/personal-data.decorator';
export { PERSONAL_DATA_KEY, FORGOTTEN_KEY } from './events/personal-data-cipher';
export { SubjectForgotten } from './events/subject-forgotten.event';
export { SUBJECT_FORGOTTEN } from './events/subject-forgotten-stream';
export { EventTypeRegistry, DATE_PATHS_KEY, type UnknownEventPolicy } from './events/event-type-registry';
export { MessageContext, type MessageIds } from './events/message-context';
export { SYSTEM_ACTOR, type Actor, type ActorKind } from './events/actor';
export {
  Grants,
  Revokes,
  type PermissionDeclaration,
  type PermissionGrant,
  type PermissionRevocation,
} from './events/permission-declarations';

// observability
export { TELEMETRY_SCOPE, TelemetryAttributes, TelemetryMetrics } from './observability/telemetry-names';
export type { StoredTraceContext } from './observability/stored-trace-context';

// aggregates
export { AggregateRoot } from './aggregates/aggregate-root';
export {
  Aggregate,
  type AggregateOptions,
  type AggregateMetadata,
  type SnapshotPolicy,
} from './aggregates/aggregate.decorator';
export { Apply } from './aggregates/apply.decorator';
export {
  NaturalKey,
  getNaturalKeys,
  type NaturalKeyMetadata,
  type NaturalKeyOptions,
} from './aggregates/natural-key.decorator';
export {
  DeleteAggregate,
  RestoreAggregate,
  type AggregateLifecycleResult,
  type DeleteAggregateOptions,
} from './aggregates/aggregate-lifecycle-commands';
export { AggregateRepository } from './aggregates/aggregate-repository';
export type {
  AggregateClass,
  LifecycleSaveOptions,
  LoadOptions,
  SaveOptions,
  SaveResult,
  Saved,
  UpdateOptions,
} from './aggregates/aggregate-repository-types';
export {
  InjectAggregateRepository,
  getAggregateRepositoryToken,
} from './aggregates/inject-aggregate-repository.decorator';

// decisions
export { DecisionModel, Evolve, type DecisionModelInstance } from './decisions/decision-model.decorator';
export { DecisionRepository, type Decision, type DecisionEvents } from './decisions/decision-repository';

// commands
export { CommandRetry, type CommandRetryOptions } from './commands/command-retry.decorator';
export { ForgetSubject } from './commands/forget-subject.command';

// store
export {
  EventStore,
  START_OF_STORE,
  type AppendManyOptions,
  type AppendOptions,
  type AppendResult,
  type EventStoreTransaction,
  type StreamAppend,
  type GlobalCursor,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type StreamDescription,
  type ForgetResult,
} from './store/event-store';
export type { ExpectedVersion } from './store/expected-version';
export type {
  NaturalKeyChanges,
  NaturalKeyLookup,
  NaturalKeyClaim,
  StreamLifecycleChange,
  StreamTombstone,
} from './store/stream-effects';
export type { LifecycleOptions } from './store/stream-lifecycle';
export { DEFAULT_QUERY_LIMIT, type EventFilter, type EventQuery, type EventQueryPaging } from './store/event-query';
export { EventQueryCache, type QueryCacheStats } from './store/event-query-cache';
export type { QueryCacheOptions } from './options/query-cache-option';
export { MAX_EVENT_TYPE_LENGTH, MAX_STREAM_ID_LENGTH } from './store/prepared-append';
export { MAX_TAG_LENGTH, MAX_TAGS_PER_EVENT } from './store/tags';
export { streamPartition, type StreamPartition } from './store/stream-partition';
export { ReadReplica, type ReadReplicaOptions } from './database/read-replica';
export type {
  AppendCondition,
  DecisionQuery,
  DecisionQueryItem,
  ReadMatchingResult,
  ReadPoint,
} from './store/decision-query';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './store/in-memory/in-memory-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions } from './store/postgres/postgres-event-store';
export { eventStoreMigrations, type EventStoreMigrationOptions, type MigrationClass } from './schema/migrations';
export { EmbeddedPostgresServer, type EmbeddedPostgresOptions } from './database/embedded-postgres-server';
export type { DatabaseKind } from './database/database-connection';
export { SnapshotStore, type Snapshot } from './store/snapshot-store';
export { InMemorySnapshotStore } from './store/in-memory/in-memory-snapshot-store';
export { PostgresSnapshotStore } from './store/postgres/postgres-snapshot-store';

// projections
export {
  Projection,
  getProjectionMetadata,
  type ProjectionMetadata,
  type ProjectionMode,
  type ProjectionOptions,
  type ProjectionReset,
  type ProjectionTenantReset,
} from './projections/projection.decorator';
export type { DurableHandlerContext, ProjectionContext } from './projections/projection-context';

// subscriptions
export { On, getOnHandlers, getOnPatterns, type OnHandlers, type OnPatterns } from './subscriptions/on.decorator';
export type { TypePattern } from './subscriptions/type-pattern';
export { OnPage } from './projections/on-page.decorator';
export {
  DurableEventHandler,
  getDurableEventHandlerMetadata,
  type DurableEventHandlerMetadata,
} from './subscriptions/durable-event-handler.decorator';
export type { ParkPolicy, SubscriberOptions } from './subscriptions/subscriber-options';
export type { SubscriberKind } from './subscriptions/subscriber-definition';
export { Subscriptions, type WaitOptions } from './subscriptions/subscriptions';
export type { SubscriberState } from './subscriptions/subscription-runner';
export type {
  HoldingTransaction,
  PartitionStatus,
  RebuildProgress,
  SubscriberInstance,
  SubscriberStatus,
} from './subscriptions/subscriber-status';
export type { CheckpointStatus, ParkedEvent } from './subscriptions/checkpoint-store';
export {
  SubscriptionsHealthIndicator,
  type SubscriptionsHealthOptions,
} from './subscriptions/subscriptions-health-indicator';

// sagas
export {
  DurableSaga,
  getDurableSagaMetadata,
  type DurableSagaMetadata,
  type DurableSagaOptions,
} from './sagas/durable-saga.decorator';
export {
  StartsSaga,
  SagaEventHandler,
  OnSagaDeadline,
  OnSagaCommandFailure,
  type Correlate,
  type SagaEventOptions,
} from './sagas/saga-methods.decorator';
export { SagaContext, type SagaCommandFailure, type SagaDeadline, type SagaStatus } from './sagas/saga-context';
export type { SagaInstance } from './sagas/saga-persistence';
export { Sagas, type SagaInstanceDetails } from './sagas/sagas';

// config
export { validateEnvironment } from './config/validate-environment';
export { AppEnvironment, IsDatabaseUrl } from './config/app-environment';

// http
export { CorrelationIdMiddleware, CORRELATION_ID_HEADER } from './http/correlation-id.middleware';
export { EventSourcingHttpModule } from './http/event-sourcing-http.module';
export type {
  DomainErrorDescription,
  EventSourcingHttpOptions,
  ProblemReader,
} from './http/event-sourcing-http-options';
export { applyHttpConventions, type HttpConventionsOptions } from './http/apply-http-conventions';
export { startHttpApp, type StartHttpAppOptions } from './http/start-http-app';
export { PROBLEM_CONTENT_TYPE, type FieldProblem, type ProblemCode, type ProblemDetails } from './http/problem-details';
export { ProblemException } from './http/problem.exception';
export { ProblemDetailsFilter } from './http/problem-details.filter';
export { validationProblem } from './http/validation-problem';
export { SafeInputPipe } from './http/safe-input.pipe';
export { IntegerParam, POSTGRES_INTEGER_MAX, type IntegerParamOptions } from './http/integer-param.decorator';
export { PositionParam, POSTGRES_BIGINT_MAX } from './http/position-param.decorator';
export { formatETag, parseIfMatch } from './http/etag';
export { IfMatch } from './http/if-match.decorator';
export { VersionETagInterceptor } from './http/version-etag.interceptor';
export { LocationHeader } from './http/location-header.decorator';
export {
  IdempotencyInterceptor,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
} from './http/idempotency.interceptor';
export { IdempotencyStore, type IdempotencyClaim, type StoredResponse } from './http/idempotency-store';
export { AdminTokenGuard } from './http/admin-token.guard';
export { AdminOnly } from './http/admin-only.decorator';

// access
export { EventSourcingAccessModule } from './access/event-sourcing-access.module';
export type { EventSourcingAccessOptions, JwtAuthenticationOptions } from './access/access-options';
export { AuthenticationMiddleware } from './access/authentication.middleware';
export { PermissionChecker, type AggregateRef } from './access/permission-checker';
export { RequirePermission } from './access/require-permission.decorator';
export { PermissionGranted, PermissionRevoked } from './access/permission-events';
export { PermissionReadModel, type PermissionRebuildResult } from './access/permission-read-model';

// operator
export { EventSourcingOperatorModule } from './operator/event-sourcing-operator.module';
export type { EventView, StreamView } from './operator/operator-views';

// health
export { EventStoreHealthIndicator } from './health/event-store-health-indicator';
