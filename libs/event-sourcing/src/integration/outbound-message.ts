import { ConfigurationError } from '../errors/configuration-error';
import { getDomainEventMetadata } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventTypeRegistry } from '../events/event-type-registry';
import { isTypePattern } from '../subscriptions/type-pattern';
import type { EventPublisherOptions, EventSelection } from './brokers-options';

/** One event as a broker message: the same on NATS and RabbitMQ. @internal */
export interface OutboundMessage {
  /** The event id: `Nats-Msg-Id`, or the AMQP `messageId`. */
  id: string;
  /** The subject (NATS) or routing key (RabbitMQ). */
  subject: string;
  /** The event's data at its current revision, as JSON. */
  body: Buffer;
  /** The envelope's fields, as strings. */
  headers: Record<string, string>;
  /** When the event was stored. */
  createdAt: Date;
}

/**
 * The header names every published event carries (NATS headers, AMQP headers). The
 * message id itself is `Nats-Msg-Id` on NATS and the `messageId` property on AMQP.
 */
export const EVENT_HEADERS = {
  eventId: 'Es-Event-Id',
  streamId: 'Es-Stream-Id',
  version: 'Es-Version',
  position: 'Es-Position',
  type: 'Es-Type',
  revision: 'Es-Revision',
  correlationId: 'Es-Correlation-Id',
  causationId: 'Es-Causation-Id',
  createdAt: 'Es-Created-At',
} as const;

/** Subject tokens are separated by dots; these characters have other meanings there. */
const SUBJECT_UNSAFE = /[\s*>\u0000]/g;

/** Whether an event is among those selected (see {@link EventSelection}). @internal */
export function selects(selection: EventSelection | undefined, envelope: EventEnvelope, types: Set<string>): boolean {
  if (!selection) return true;
  const patterns = (selection.types ?? []).filter(isTypePattern).map((p) => p.slice(0, -1));
  const named = types.has(envelope.type) || patterns.some((prefix) => envelope.type.startsWith(prefix));
  if ((types.size > 0 || patterns.length > 0) && !named) return false;
  if (selection.prefix !== undefined && !envelope.type.startsWith(selection.prefix)) return false;
  return selection.filter ? selection.filter(envelope) : true;
}

/**
 * The type names a selection names (its patterns aside).
 * @throws ConfigurationError for a class without `@DomainEvent`. @internal
 */
export function selectedTypes(owner: string, selection: EventSelection | undefined): string[] {
  const types = (selection?.types ?? []).filter((t) => !isTypePattern(t));
  return types.map((t) => {
    if (typeof t === 'string') return t;
    const metadata = getDomainEventMetadata(t);
    if (!metadata) throw new ConfigurationError(`${owner}: ${t.name} in events.types has no @DomainEvent.`);
    return metadata.type;
  });
}

/**
 * Turns stored events into messages: data upcast to the class's current revision when
 * the class is known here (the stored data as it is otherwise), subject from the
 * publisher's pattern. @internal
 */
export function outboundMessage(
  envelope: EventEnvelope,
  options: Pick<EventPublisherOptions, 'subject' | 'prefix'>,
  registry: EventTypeRegistry,
): OutboundMessage {
  const cls = registry.classOf(envelope.type);
  const data = cls ? registry.toInstance(envelope, 'throw') : envelope.data;
  const revision = cls ? (getDomainEventMetadata(cls)?.revision ?? envelope.revision) : envelope.revision;
  const headers: Record<string, string> = {
    [EVENT_HEADERS.eventId]: envelope.eventId,
    [EVENT_HEADERS.streamId]: envelope.streamId,
    [EVENT_HEADERS.version]: String(envelope.version),
    [EVENT_HEADERS.position]: envelope.position.toString(),
    [EVENT_HEADERS.type]: envelope.type,
    [EVENT_HEADERS.revision]: String(revision),
    [EVENT_HEADERS.createdAt]: envelope.createdAt.toISOString(),
  };
  const { correlationId, causationId } = envelope.metadata;
  if (typeof correlationId === 'string') headers[EVENT_HEADERS.correlationId] = correlationId;
  if (typeof causationId === 'string') headers[EVENT_HEADERS.causationId] = causationId;
  return {
    id: envelope.eventId,
    subject: subjectOf(envelope, options),
    body: Buffer.from(JSON.stringify(data)),
    headers,
    createdAt: envelope.createdAt,
  };
}

function subjectOf(envelope: EventEnvelope, { subject, prefix }: Pick<EventPublisherOptions, 'subject' | 'prefix'>) {
  if (typeof subject === 'function') return subject(envelope);
  const token = (value: string): string => value.replace(SUBJECT_UNSAFE, '_');
  return (subject ?? '{prefix}.{type}')
    .replaceAll('{prefix}', prefix ?? 'events')
    .replaceAll('{type}', token(envelope.type))
    .replaceAll('{streamId}', token(envelope.streamId).replaceAll('.', '_'));
}
