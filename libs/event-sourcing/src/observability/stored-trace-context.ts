/**
 * A W3C trace context as the library stores it: in the metadata of events appended
 * inside a span, and with the commands a saga step dispatches.
 */
export interface StoredTraceContext {
  /** `00-<trace id>-<parent span id>-<flags>`, the W3C `traceparent` header's value. */
  traceparent: string;
  /** The W3C `tracestate` header's value, when the span has one. */
  tracestate?: string;
}
