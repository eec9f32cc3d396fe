/**
 * Metadata stored with every event. `correlationId` ties together everything caused by
 * one request; `causationId` is the id of the message (command or event) that caused
 * this one. Any other JSON-serialisable keys are kept as given.
 */
export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  /**
   * The W3C trace context of the append, written when the event was appended inside a
   * valid OpenTelemetry span (see docs/observability.md); subscribers continue it.
   */
  traceparent?: string;
  /** The W3C `tracestate` that went with {@link EventMetadata.traceparent}, when there was one. */
  tracestate?: string;
  [key: string]: unknown;
}

/** An event to append: its type name, JSON data and optional id, revision and metadata. */
export interface NewEvent<TData = unknown> {
  /** Stable type name, e.g. `bank.money-deposited`. Never a class name. */
  type: string;
  /** The event's payload; must be JSON-serialisable (Dates become ISO strings). */
  data: TData;
  /** UUID of the event. Generated when absent; give one to make a retry idempotent. */
  eventId?: string;
  /** Schema revision of `data`, a positive integer; 1 when absent. */
  revision?: number;
  metadata?: EventMetadata;
  /**
   * `key:value` strings that make the event findable across streams (`list:42`), by
   * `readMatching`, `queryEvents` and `readAll`, and usable in append conditions. At
   * most 32, each at most 200 characters.
   */
  tags?: readonly string[];
  /**
   * The fields of `data` that hold personal data, each with its data subject
   * (`{ owner: 'account-1' }`): stored encrypted with the subject's key, read back
   * decrypted, `null` once the subject is forgotten. `@PersonalData` fields fill it;
   * top-level fields of an object `data` only. See docs/personal-data.md.
   */
  personalData?: Readonly<Record<string, string>>;
}

/** A stored event as it is read back. */
export interface EventEnvelope<TData = unknown> {
  eventId: string;
  streamId: string;
  /** Position within the stream, starting at 1. */
  version: number;
  /**
   * Position in the whole store, unique and increasing in insert order. A bigint: it
   * outgrows a JavaScript number on busy stores. Not gap-free and not commit order;
   * subscribers order by {@link EventEnvelope.transactionId} first (see `readAll`).
   */
  position: bigint;
  /** Id of the PostgreSQL transaction (xid8) that wrote the event. */
  transactionId: bigint;
  type: string;
  revision: number;
  data: TData;
  metadata: EventMetadata;
  /** Its tags, sorted, without repeats; empty when it has none. */
  tags: string[];
  createdAt: Date;
}
