// The error classes of nest-event-sourcing, each with its stable code, as the package's entry
// (index.ts) exports them.

export { EventSourcingError, type EventSourcingErrorCode } from './event-sourcing-error';
export { ConcurrencyError } from './concurrency-error';
export { DuplicateEventIdError } from './duplicate-event-id-error';
export { TransactionConflictError } from './transaction-conflict-error';
export { InvalidStreamIdError } from './invalid-stream-id-error';
export { InvalidEventError } from './invalid-event-error';
export { EventTooLargeError } from './event-too-large-error';
export { InvalidExpectedVersionError } from './invalid-expected-version-error';
export { InvalidQueryError } from './invalid-query-error';
export { InvalidTagError } from './invalid-tag-error';
export { AppendConditionError } from './append-condition-error';
export { ConfigurationError } from './configuration-error';
export { EmbeddedDatabaseError } from './embedded-database-error';
export { EmbeddedDatabaseInUseError } from './embedded-database-in-use-error';
export { AggregateNotFoundError } from './aggregate-not-found-error';
export { UnknownEventTypeError } from './unknown-event-type-error';
export { UpcastError } from './upcast-error';
export { MissingEventHandlerError } from './missing-event-handler-error';
export { DomainError, type DomainErrorDetail, type DomainErrorOptions } from './domain-error';
export { CheckpointConflictError } from './checkpoint-conflict-error';
export { UnknownSubscriberError } from './unknown-subscriber-error';
export { StreamNotFoundError } from './stream-not-found-error';
export { UnsupportedOperationError } from './unsupported-operation-error';
export { TenantResetMissingError } from './tenant-reset-missing-error';
export { ParkedEventNotFoundError } from './parked-event-not-found-error';
export { WaitTimeoutError } from './wait-timeout-error';
export { BrokerUnavailableError } from './broker-unavailable-error';
export { InvalidIntegrationMessageError } from './invalid-integration-message-error';
export { AggregateDeletedError } from './aggregate-deleted-error';
export { StreamTombstonedError } from './stream-tombstoned-error';
export { NaturalKeyTakenError } from './natural-key-taken-error';
export { NaturalKeyIndexError } from './natural-key-index-error';
export { PermissionDeniedError } from './permission-denied-error';
export { UnauthenticatedError } from './unauthenticated-error';
export { PersonalDataKeyError } from './personal-data-key-error';
export { SubjectForgottenError } from './subject-forgotten-error';
