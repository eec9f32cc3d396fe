import type { NewEvent } from '../events/event-envelope';

/**
 * The tenant an append is made for: its first event's `metadata.tenantId`, or undefined
 * for none. Under `tenancy: true` the store stamps every event of an append made for a
 * tenant alike, so the first one speaks for all. Reads unchecked input safely: it runs
 * before the events are checked. @internal
 */
export function tenantOfAppend(events: readonly unknown[]): string | undefined {
  const first = events[0] as NewEvent | null | undefined;
  const metadata = first !== null && typeof first === 'object' ? first.metadata : undefined;
  const tenant = metadata !== null && typeof metadata === 'object' ? metadata.tenantId : undefined;
  return typeof tenant === 'string' ? tenant : undefined;
}
