import type { Link, SpanOptions } from '@opentelemetry/api';
import type { EventEnvelope } from '../events/event-envelope';
import { inSpan, positionAttribute } from '../observability/in-span';
import { telemetryApi, tracingOn } from '../observability/telemetry-api';
import { TelemetryAttributes as A } from '../observability/telemetry-names';
import { contextOf, parseTraceContext } from '../observability/trace-context';
import type { DeliveryContext, SubscriberDefinition } from './subscriber-definition';

/** Links a page's span keeps at most, one per distinct trace context. */
const MAX_PAGE_LINKS = 32;

/**
 * Traces what a subscriber is handed: a span `<kind> <name>` per event (consumer kind;
 * subscriber, event type, id, stream and position), child of the trace context stored
 * in the event's metadata, so that the handling of an event continues the trace that
 * appended it; while replaying (a rebuild), linked to it instead, as a trace of its
 * own. A whole page (`@OnPage`) is one span: in its events' trace when they share one,
 * else linked to each of their contexts. Changes
 * the definition in place; without `@opentelemetry/api` it is left as it is. @internal
 */
export function traceDeliveries(definition: SubscriberDefinition): SubscriberDefinition {
  const api = telemetryApi();
  if (!api) return definition;
  const name = `${definition.kind} ${definition.name}`;
  const subscriber = { [A.SUBSCRIBER_NAME]: definition.name, [A.SUBSCRIBER_KIND]: definition.kind };
  const handle = definition.handle.bind(definition);
  definition.handle = (envelope: EventEnvelope, context: DeliveryContext) => {
    if (!tracingOn()) return handle(envelope, context);
    const parent = parseTraceContext(envelope.metadata);
    const options: SpanOptions = {
      kind: api.SpanKind.CONSUMER,
      attributes: { ...subscriber, ...eventAttributes(envelope, context) },
      ...(context.replaying && parent ? { links: [{ context: parent }] } : {}),
    };
    const base = api.context.active();
    return inSpan(
      name,
      options,
      () => handle(envelope, context),
      context.replaying ? base : contextOf(envelope.metadata, base),
    );
  };
  const handlePage = definition.handlePage?.bind(definition);
  if (handlePage) {
    definition.handlePage = (envelopes: EventEnvelope[], context: DeliveryContext) => {
      if (!tracingOn()) return handlePage(envelopes, context);
      const last = envelopes.at(-1);
      const options: SpanOptions = {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          ...subscriber,
          [A.EVENT_COUNT]: envelopes.length,
          ...(last ? { [A.POSITION]: positionAttribute(last.position) } : {}),
          [A.DELIVERY_ATTEMPT]: context.attempt,
          [A.REPLAYING]: context.replaying,
        },
      };
      // A page of one trace (a live page of one append, say) goes on in that trace.
      const base = api.context.active();
      const shared = context.replaying ? undefined : sharedTraceContext(envelopes);
      if (!shared) options.links = pageLinks(envelopes);
      const parent = shared ? contextOf(shared, base) : base;
      return inSpan(name, options, () => handlePage(envelopes, context), parent);
    };
  }
  return definition;
}

function eventAttributes(envelope: EventEnvelope, context: DeliveryContext): Record<string, string | number | boolean> {
  return {
    [A.EVENT_TYPE]: envelope.type,
    [A.EVENT_ID]: envelope.eventId,
    [A.STREAM_ID]: envelope.streamId,
    [A.POSITION]: positionAttribute(envelope.position),
    [A.DELIVERY_ATTEMPT]: context.attempt,
    [A.REPLAYING]: context.replaying,
  };
}

/** The stored trace context every event of the page has, when they all have the same one. */
function sharedTraceContext(envelopes: EventEnvelope[]): EventEnvelope['metadata'] | undefined {
  const first = envelopes[0]?.metadata;
  if (typeof first?.traceparent !== 'string') return undefined;
  return envelopes.every((e) => e.metadata.traceparent === first.traceparent) ? first : undefined;
}

/** One link per distinct stored trace context of the page's events, up to {@link MAX_PAGE_LINKS}. */
function pageLinks(envelopes: EventEnvelope[]): Link[] {
  const links = new Map<string, Link>();
  for (const envelope of envelopes) {
    if (links.size >= MAX_PAGE_LINKS) break;
    const context = parseTraceContext(envelope.metadata);
    if (context && !links.has(context.spanId)) links.set(context.spanId, { context });
  }
  return [...links.values()];
}
