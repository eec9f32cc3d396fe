import { randomUUID } from 'node:crypto';
import type { EventMetadata } from './event-envelope';
import type { MessageContext } from './message-context';

/**
 * The metadata of events a command stores: the current message's correlation id (a new
 * one outside any), its causation id and user, then `extra`. @internal
 */
export function messageMetadata(context: MessageContext, extra?: EventMetadata): EventMetadata {
  const ids = context.current();
  return {
    correlationId: ids?.correlationId ?? randomUUID(),
    ...(ids?.causationId ? { causationId: ids.causationId } : {}),
    ...(ids?.userId ? { userId: ids.userId } : {}),
    ...(ids?.tenantId ? { tenantId: ids.tenantId } : {}),
    ...extra,
  };
}
