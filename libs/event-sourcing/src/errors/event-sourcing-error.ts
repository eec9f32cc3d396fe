/**
 * Every stable error code this library throws. Match on these (or use `instanceof`)
 * rather than on messages, which may be reworded.
 */
export type EventSourcingErrorCode =
  | 'ES_CONCURRENCY'
  | 'ES_DUPLICATE_EVENT_ID'
  | 'ES_TRANSACTION_CONFLICT'
  | 'ES_INVALID_STREAM_ID'
  | 'ES_INVALID_EVENT'
  | 'ES_EVENT_TOO_LARGE'
  | 'ES_INVALID_EXPECTED_VERSION'
  | 'ES_INVALID_QUERY'
  | 'ES_INVALID_TAG'
  | 'ES_APPEND_CONDITION'
  | 'ES_CONFIGURATION'
  | 'ES_EMBEDDED_DATABASE'
  | 'ES_EMBEDDED_DATABASE_IN_USE'
  | 'ES_AGGREGATE_NOT_FOUND'
  | 'ES_UNKNOWN_EVENT_TYPE'
  | 'ES_UPCAST'
  | 'ES_MISSING_EVENT_HANDLER'
  | 'ES_DOMAIN_RULE'
  | 'ES_UNSAVED_EVENTS'
  | 'ES_CHECKPOINT_CONFLICT'
  | 'ES_UNKNOWN_SUBSCRIBER'
  | 'ES_UNSUPPORTED_OPERATION'
  | 'ES_TENANT_RESET_MISSING'
  | 'ES_PARKED_EVENT_NOT_FOUND'
  | 'ES_STREAM_NOT_FOUND'
  | 'ES_CLI_USAGE'
  | 'ES_WAIT_TIMEOUT'
  | 'ES_BROKER_UNAVAILABLE'
  | 'ES_INVALID_INTEGRATION_MESSAGE'
  | 'ES_AGGREGATE_DELETED'
  | 'ES_STREAM_TOMBSTONED'
  | 'ES_NATURAL_KEY_TAKEN'
  | 'ES_NATURAL_KEY_INDEX'
  | 'ES_PERMISSION_DENIED'
  | 'ES_UNAUTHENTICATED'
  | 'ES_PERSONAL_DATA_KEY'
  | 'ES_SUBJECT_FORGOTTEN'
  | 'ES_SUBJECT_NOT_FOUND';

/**
 * Base class of every error thrown by the library. Each subclass carries a stable
 * {@link EventSourcingErrorCode} in `code` and its data in typed fields.
 */
export abstract class EventSourcingError extends Error {
  /** Stable, machine-readable code of this error. */
  abstract readonly code: EventSourcingErrorCode;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
