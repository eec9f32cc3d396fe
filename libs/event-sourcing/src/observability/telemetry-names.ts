/**
 * The instrumentation scope of this library's tracer and meter: the package's name.
 * Filter on it in an exporter or a view to keep (or drop) what the library records.
 */
export const TELEMETRY_SCOPE = 'nest-event-sourcing';

/**
 * The attribute names on the library's spans and metrics, under the `es.` prefix.
 * Values are strings, numbers or booleans; a global position is a number while it is
 * a safe integer, else its decimal text.
 */
export const TelemetryAttributes = {
  /** The stream an append or load works on (`account-42`). */
  STREAM_ID: 'es.stream_id',
  /** The stream's category (`account`); on metrics too. */
  STREAM_TYPE: 'es.stream_type',
  /** What an append expected: a version number, or `any`, `no_stream`, `stream_exists`. */
  EXPECTED_VERSION: 'es.expected_version',
  /** The stream's version after an append, or of an aggregate after its load. */
  STREAM_VERSION: 'es.stream_version',
  /** Global position of the last appended event, or of the event a subscriber handles. */
  POSITION: 'es.position',
  /** How many events an append (or a page) holds. */
  EVENT_COUNT: 'es.event_count',
  /** False when an append was an exact retry of one already stored. */
  WRITTEN: 'es.append.written',
  /** Stored event type name (`bank.money-deposited`); on the events metric too. */
  EVENT_TYPE: 'es.event_type',
  /** How an append ended: `ok`, `conflict` (expected version) or `error`; on the append metrics. */
  OUTCOME: 'es.outcome',
  /** The event's id. */
  EVENT_ID: 'es.event_id',
  /** The command's type: its class name. */
  COMMAND_NAME: 'es.command.name',
  /** The command handler class. */
  COMMAND_HANDLER: 'es.command.handler',
  /** How many tries a command took. */
  COMMAND_ATTEMPTS: 'es.command.attempts',
  /** The correlation id of the work (see `MessageContext`). */
  CORRELATION_ID: 'es.correlation_id',
  /** The aggregate class a load builds. */
  AGGREGATE_TYPE: 'es.aggregate.type',
  /** True when a load used a copy kept warm in memory (see `warmAggregates`). */
  AGGREGATE_WARM: 'es.aggregate.warm',
  /** A durable subscriber's name (its checkpoint); on the subscriber metrics too. */
  SUBSCRIBER_NAME: 'es.subscriber.name',
  /** `projection`, `handler` or `saga`. */
  SUBSCRIBER_KIND: 'es.subscriber.kind',
  /** Which try of the delivery this is, from 1. */
  DELIVERY_ATTEMPT: 'es.delivery.attempt',
  /** True while a projection replays history (a rebuild). */
  REPLAYING: 'es.replaying',
} as const;

/** The library's metric names, with their units in the comments. */
export const TelemetryMetrics = {
  /** Counter of appends, by `es.stream_type` and `es.outcome` (`ok`, `conflict`, `error`); unit `{append}`. */
  APPENDS: 'es.store.appends',
  /** Histogram of append latency, by `es.stream_type` and `es.outcome`; unit `s`. */
  APPEND_DURATION: 'es.store.append.duration',
  /** Counter of appends refused for their expected version, by `es.stream_type`; unit `{conflict}`. */
  APPEND_CONFLICTS: 'es.store.append.conflicts',
  /** Counter of events appended, by `es.event_type`; unit `{event}`. */
  EVENTS_APPENDED: 'es.store.events',
  /** Gauge of events a subscriber has not handled yet (capped at 100,000), by `es.subscriber.name`; unit `{event}`. */
  SUBSCRIBER_LAG: 'es.subscriber.lag',
  /** Gauge of events a subscriber parked, by `es.subscriber.name`; unit `{event}`. */
  SUBSCRIBER_PARKED: 'es.subscriber.parked',
  /** Counter of command handler runs repeated after a conflict, by `es.command.name`; unit `{retry}`. */
  COMMAND_RETRIES: 'es.command.retries',
} as const;
