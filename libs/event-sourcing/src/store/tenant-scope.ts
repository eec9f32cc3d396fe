import type { EventEnvelope, NewEvent } from '../events/event-envelope';
import { StreamNotFoundError } from '../errors/stream-not-found-error';
import { SubjectNotFoundError } from '../errors/subject-not-found-error';
import type { EventQuery, EventFilter } from './event-query';
import { assertStreamId } from './prepared-append';
import type { AppendOptions, EventStore, EventStoreTransaction, StreamAppend } from './event-store';

/** Where the current tenant comes from: the `MessageContext` of the work in progress. @internal */
export type CurrentTenant = () => string | undefined;

/** The most stream owners remembered; past it the oldest are forgotten (and read again when needed). */
const OWNERS_KEPT = 100_000;

/** What a tenant-scoped store answers about a stream's visibility. @internal */
export interface TenantScope {
  /** False when the stream is another tenant's than the current one. */
  isVisible(streamId: string): Promise<boolean>;
  /**
   * Asked inside a forget's transaction (the subject's key locked, the streams holding its
   * data known): throws `SubjectNotFoundError` unless the current tenant's own streams
   * alone hold the subject; work without a tenant may forget any.
   */
  admitForget(subject: string, streamIds: readonly string[]): Promise<void>;
}

const SCOPES = new WeakMap<EventStore, TenantScope>();

/** The tenant scope of a store, when tenancy is on. @internal */
export function tenantScopeOf(store: EventStore): TenantScope | undefined {
  return SCOPES.get(store);
}

/**
 * Scopes every read of a store by the current tenant, and stamps every append with it
 * (`metadata.tenantId`, from which the `tenant_id` column is generated): while work runs
 * for a tenant, another tenant's stream reads as empty or absent (never "forbidden"),
 * its events leave queries, `readAll` pages and decision reads, and an append to it
 * fails with `StreamNotFoundError`, writing nothing. Work without a tenant (operator
 * routes, subscribers, the system) sees every tenant and appends untenanted events as
 * before. Patches the instance in place, as the instrumentation does. @internal
 */
export function scopeByTenant<S extends EventStore>(store: S, currentTenant: CurrentTenant): S {
  /** Stream id → tenant ('' for none), as read or written. */
  const owners = new Map<string, string>();
  const raw = {
    append: store.append.bind(store),
    appendMany: store.appendMany.bind(store),
    transaction: store.transaction.bind(store),
    readStream: store.readStream.bind(store),
    iterateStream: store.iterateStream.bind(store),
    readAll: store.readAll.bind(store),
    readMatching: store.readMatching.bind(store),
    queryEvents: store.queryEvents.bind(store),
    streamVersion: store.streamVersion.bind(store),
    describeStream: store.describeStream.bind(store),
    hardDeleteStream: store.hardDeleteStream.bind(store),
    findByNaturalKey: store.findByNaturalKey.bind(store),
    tombstoneOf: store.tombstoneOf.bind(store),
  };
  const tenantOfEvent = (event: EventEnvelope): string =>
    typeof event.metadata.tenantId === 'string' ? event.metadata.tenantId : '';
  const remember = (streamId: string, tenant: string): void => {
    if (owners.size >= OWNERS_KEPT) owners.delete(owners.keys().next().value!);
    owners.set(streamId, tenant);
  };
  /** The stream's tenant ('' for none), or undefined while it has no events. */
  const ownerOf = async (streamId: string): Promise<string | undefined> => {
    const known = owners.get(streamId);
    if (known !== undefined) return known;
    const [first] = await raw.readStream(streamId, { limit: 1 });
    if (!first) return undefined;
    remember(streamId, tenantOfEvent(first));
    return tenantOfEvent(first);
  };
  const visible = async (tenant: string, streamId: string): Promise<boolean> => {
    const owner = await ownerOf(streamId);
    return owner === undefined || owner === tenant;
  };
  const assertVisible = async (streamId: string): Promise<void> => {
    const tenant = currentTenant();
    if (tenant !== undefined && !(await visible(tenant, streamId))) throw new StreamNotFoundError(streamId);
  };
  const stamped = (tenant: string, events: readonly NewEvent[]): NewEvent[] =>
    events.map((event) => ({ ...event, metadata: { ...event.metadata, tenantId: tenant } }));
  /** The options with the lifecycle event (a soft delete or restore) stamped as well. */
  const stampedOptions = <O extends AppendOptions>(tenant: string, options: O | undefined): O | undefined =>
    options?.lifecycle
      ? {
          ...options,
          lifecycle: { ...options.lifecycle, metadata: { ...options.lifecycle.metadata, tenantId: tenant } },
        }
      : options;
  const ours = (tenant: string) => (event: EventEnvelope) => tenantOfEvent(event) === tenant;

  store.append = async (streamId: string, events: readonly NewEvent[], options?: AppendOptions) => {
    const tenant = currentTenant();
    if (tenant === undefined) return raw.append(streamId, events, options);
    await assertVisible(streamId);
    const result = await raw.append(streamId, stamped(tenant, events), stampedOptions(tenant, options));
    remember(streamId, tenant);
    return result;
  };
  store.appendMany = async (appends: readonly StreamAppend[], options) => {
    const tenant = currentTenant();
    if (tenant === undefined) return raw.appendMany(appends, options);
    for (const { streamId } of appends) await assertVisible(streamId);
    const results = await raw.appendMany(
      appends.map((part) => ({ ...part, events: stamped(tenant, part.events) })),
      options,
    );
    for (const { streamId } of appends) remember(streamId, tenant);
    return results;
  };
  store.transaction = <T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> => {
    const tenant = currentTenant();
    if (tenant === undefined) return raw.transaction(work);
    return raw.transaction((tx) =>
      work({
        append: async (streamId, events, options) => {
          await assertVisible(streamId);
          return tx.append(streamId, stamped(tenant, events), stampedOptions(tenant, options));
        },
        readStream: async (streamId, options) => (await tx.readStream(streamId, options)).filter(ours(tenant)),
      }),
    );
  };
  store.readStream = async (streamId, options) => {
    const tenant = currentTenant();
    const events = await raw.readStream(streamId, options);
    return tenant === undefined ? events : events.filter(ours(tenant));
  };
  store.iterateStream = (streamId, options) => {
    const tenant = currentTenant();
    const events = raw.iterateStream(streamId, options);
    if (tenant === undefined) return events;
    return (async function* () {
      for await (const event of events) if (ours(tenant)(event)) yield event;
    })();
  };
  store.readAll = async (options) => {
    const tenant = currentTenant();
    const page = await raw.readAll(options);
    // The cursor moves past the other tenants' events too: the next page starts after them.
    return tenant === undefined ? page : { ...page, events: page.events.filter(ours(tenant)) };
  };
  store.readMatching = async (query) => {
    const tenant = currentTenant();
    const read = await raw.readMatching(query);
    return tenant === undefined ? read : { ...read, events: read.events.filter(ours(tenant)) };
  };
  store.queryEvents = async (query?: EventQuery) => {
    const tenant = currentTenant();
    if (tenant === undefined) return raw.queryEvents(query);
    const scoped = withTenant(query ?? {}, tenant);
    return scoped ? raw.queryEvents(scoped) : [];
  };
  store.streamVersion = async (streamId) => {
    const tenant = currentTenant();
    return tenant === undefined || (await visible(tenant, streamId)) ? raw.streamVersion(streamId) : 0;
  };
  store.describeStream = async (streamId) => {
    const tenant = currentTenant();
    return tenant === undefined || (await visible(tenant, streamId)) ? raw.describeStream(streamId) : undefined;
  };
  store.hardDeleteStream = async (streamId, options) => {
    await assertVisible(streamId);
    return raw.hardDeleteStream(streamId, options);
  };
  // Keys are unique per tenant: a tenant searches its own; another tenant's are not found.
  store.findByNaturalKey = async (key, value, options) => {
    const tenant = currentTenant();
    if (tenant === undefined) return raw.findByNaturalKey(key, value, options);
    if (options?.tenantId !== undefined && options.tenantId !== tenant) return undefined;
    return raw.findByNaturalKey(key, value, { tenantId: tenant });
  };
  // A tombstone keeps no tenant (its stream's events are gone): only work without one sees it.
  store.tombstoneOf = async (streamId) => {
    if (currentTenant() === undefined) return raw.tombstoneOf(streamId);
    assertStreamId(streamId);
    return undefined;
  };
  SCOPES.set(store, {
    isVisible: (streamId) => {
      const tenant = currentTenant();
      return tenant === undefined ? Promise.resolve(true) : visible(tenant, streamId);
    },
    // Subjects are not a tenant's: a tenant forgets one only when its own streams alone hold it.
    admitForget: async (subject, streamIds) => {
      const tenant = currentTenant();
      if (tenant === undefined) return;
      if (streamIds.length === 0) throw new SubjectNotFoundError(subject);
      for (const streamId of streamIds) if (!(await visible(tenant, streamId))) throw new SubjectNotFoundError(subject);
    },
  });
  return store;
}

/**
 * The query limited to one tenant: each filter gets its `tenantId`; a filter that names
 * another tenant matches nothing and is dropped (undefined: nothing is left to ask).
 */
function withTenant(query: EventQuery, tenant: string): EventQuery | undefined {
  const mine = (filter: EventFilter): boolean => filter.tenantId === undefined || filter.tenantId === tenant;
  if ('any' in query) {
    const any = query.any.filter(mine).map((filter) => ({ ...filter, tenantId: tenant }));
    return any.length > 0 ? { ...query, any } : undefined;
  }
  return mine(query) ? { ...query, tenantId: tenant } : undefined;
}
