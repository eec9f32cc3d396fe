import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { EventEnvelope, EventMetadata, NewEvent } from '../../events/event-envelope';
import { normalizeQuery, type EventQuery } from '../event-query';
import {
  EventStore,
  START_OF_STORE,
  type AppendOptions,
  type AppendResult,
  type EventStoreTransaction,
  type IterateStreamOptions,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
} from '../event-store';
import { expectedVersionMatches, replayBaseMatches } from '../expected-version';
import { assertStreamId, prepareAppend, type PreparedAppend } from '../prepared-append';
import { readStreamRange, resolvePageSize } from '../read-options';
import { matchesFilter, orderForQuery } from './in-memory-query';
import { KeyedMutex } from './keyed-mutex';

/** Options of {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** Largest event (data + metadata as JSON), in bytes. Default 1 MiB. */
  maxEventSize?: number;
  /** Default page size of reads. Default 500. */
  batchSize?: number;
}

interface StreamState {
  version: number;
  type: string;
  events: EventEnvelope[];
}

interface Transaction {
  id: bigint;
  pending: EventEnvelope[];
  streams: Map<string, StreamState>;
  locked: Set<string>;
  releases: (() => void)[];
}

/**
 * An event store in process memory with the same contract as the PostgreSQL one,
 * transactions and gap-safe `readAll` included. For unit tests and fixtures; nothing
 * survives the process.
 */
export class InMemoryEventStore extends EventStore {
  private readonly streams = new Map<string, StreamState>();
  private readonly byId = new Map<string, EventEnvelope>();
  /** Committed events in global position order. */
  private readonly log: EventEnvelope[] = [];
  private readonly open = new Set<bigint>();
  private readonly pendingIds = new Set<string>();
  private readonly locks = new KeyedMutex();
  private nextPosition = 1n;
  private nextTransactionId = 1n;
  private readonly maxEventSize: number;
  private readonly batchSize: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    super();
    this.maxEventSize = options.maxEventSize ?? 1024 * 1024;
    this.batchSize = options.batchSize ?? 500;
  }

  override async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.transaction((tx) => tx.append(streamId, events, options));
  }

  override async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const tx: Transaction = {
      id: this.nextTransactionId++,
      pending: [],
      streams: new Map(),
      locked: new Set(),
      releases: [],
    };
    this.open.add(tx.id);
    try {
      const result = await work({
        append: (streamId, events, options) => this.appendIn(tx, streamId, events, options),
        readStream: async (streamId, options) => readStreamRange(this.currentEvents(tx, streamId), options).map(copy),
      });
      this.commit(tx);
      return result;
    } finally {
      this.open.delete(tx.id);
      for (const event of tx.pending) this.pendingIds.delete(event.eventId);
      for (const release of tx.releases) release();
    }
  }

  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<EventEnvelope[]> {
    assertStreamId(streamId);
    return readStreamRange(this.streams.get(streamId)?.events ?? [], options).map(copy);
  }

  override async *iterateStream(streamId: string, options: IterateStreamOptions = {}): AsyncIterable<EventEnvelope> {
    assertStreamId(streamId);
    resolvePageSize('batchSize', options.batchSize, this.batchSize);
    yield* readStreamRange(this.streams.get(streamId)?.events ?? [], options).map(copy);
  }

  override async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START_OF_STORE;
    const limit = resolvePageSize('limit', options.limit, this.batchSize);
    const types = options.types?.length ? new Set(options.types) : undefined;
    // Like pg_snapshot_xmin: nothing at or above the oldest open transaction is final yet.
    const horizon = this.open.size ? [...this.open].reduce((a, b) => (a < b ? a : b)) : this.nextTransactionId;
    const events = this.log
      .filter((e) => e.transactionId < horizon && isAfter(e, after) && (!types || types.has(e.type)))
      .sort(compareGlobal)
      .slice(0, limit);
    const last = events.at(-1);
    return {
      events: events.map(copy),
      cursor: last ? { transactionId: last.transactionId, position: last.position } : after,
    };
  }

  override async queryEvents(query?: EventQuery): Promise<EventEnvelope[]> {
    const normalized = normalizeQuery(query);
    const now = Date.now();
    const streamTypes = (e: EventEnvelope): string => this.streams.get(e.streamId)?.type ?? '';
    const matches = this.log.filter((e) => normalized.filters.some((f) => matchesFilter(e, streamTypes(e), f, now)));
    const ordered = orderForQuery(matches, normalized.order);
    return (normalized.limit === null ? ordered : ordered.slice(0, normalized.limit)).map(copy);
  }

  override async streamVersion(streamId: string): Promise<number> {
    assertStreamId(streamId);
    return this.streams.get(streamId)?.version ?? 0;
  }

  private async appendIn(
    tx: Transaction,
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options, this.maxEventSize);
    if (!tx.locked.has(streamId)) {
      tx.locked.add(streamId);
      tx.releases.push(await this.locks.acquire(streamId));
    }
    const current = tx.streams.get(streamId) ?? this.streams.get(streamId);
    const version = current?.version ?? 0;
    if (!expectedVersionMatches(prepared.expectedVersion, version, current !== undefined)) {
      const replay = this.replayOf(prepared, tx);
      if (replay) return replay;
      throw new ConcurrencyError(streamId, prepared.expectedVersion, version);
    }
    // Ids pending in any open transaction count: PostgreSQL's unique index sees them too.
    const stored = prepared.events.filter((e) => this.byId.has(e.eventId) || this.pendingIds.has(e.eventId));
    if (stored.length > 0) {
      const replay = stored.length === prepared.events.length ? this.replayOf(prepared, tx) : undefined;
      if (replay) return replay;
      throw new DuplicateEventIdError(streamId, stored[0]!.eventId);
    }
    const createdAt = new Date();
    const envelopes = prepared.events.map<EventEnvelope>((e, i) => ({
      eventId: e.eventId,
      streamId,
      version: version + i + 1,
      position: this.nextPosition++,
      transactionId: tx.id,
      type: e.type,
      revision: e.revision,
      data: JSON.parse(e.dataJson) as unknown,
      metadata: JSON.parse(e.metadataJson) as EventMetadata,
      createdAt,
    }));
    tx.pending.push(...envelopes);
    for (const envelope of envelopes) this.pendingIds.add(envelope.eventId);
    tx.streams.set(streamId, {
      version: version + envelopes.length,
      type: current?.type ?? prepared.streamType,
      events: [...(current?.events ?? []), ...envelopes],
    });
    const last = envelopes.at(-1)!;
    return { streamVersion: last.version, position: last.position, written: true };
  }

  /** The result of an earlier identical append, when every event is already at its place. */
  private replayOf(prepared: PreparedAppend, tx: Transaction): AppendResult | undefined {
    const found = prepared.events.map(
      (e) => this.byId.get(e.eventId) ?? tx.pending.find((p) => p.eventId === e.eventId),
    );
    const first = found[0];
    if (!first || first.streamId !== prepared.streamId) return undefined;
    const base = first.version - 1;
    const inPlace = found.every((e, i) => e?.streamId === prepared.streamId && e.version === base + i + 1);
    if (!replayBaseMatches(prepared.expectedVersion, base) || !inPlace) return undefined;
    const last = found.at(-1)!;
    return { streamVersion: last.version, position: last.position, written: false };
  }

  private currentEvents(tx: Transaction, streamId: string): EventEnvelope[] {
    assertStreamId(streamId);
    return (tx.streams.get(streamId) ?? this.streams.get(streamId))?.events ?? [];
  }

  private commit(tx: Transaction): void {
    for (const [streamId, state] of tx.streams) this.streams.set(streamId, state);
    for (const event of tx.pending) {
      this.byId.set(event.eventId, event);
      this.log.push(event);
    }
    this.log.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }
}

function isAfter(e: EventEnvelope, cursor: { transactionId: bigint; position: bigint }): boolean {
  return (
    e.transactionId > cursor.transactionId || (e.transactionId === cursor.transactionId && e.position > cursor.position)
  );
}

function compareGlobal(a: EventEnvelope, b: EventEnvelope): number {
  if (a.transactionId !== b.transactionId) return a.transactionId < b.transactionId ? -1 : 1;
  return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
}

/**
 * Reads hand out copies, so a caller changing an event cannot change the store. Data
 * and metadata are JSON already; structuredClone would make objects of another realm
 * under jest.
 */
function copy(event: EventEnvelope): EventEnvelope {
  return {
    ...event,
    data: JSON.parse(JSON.stringify(event.data)) as unknown,
    metadata: JSON.parse(JSON.stringify(event.metadata)) as EventMetadata,
    createdAt: new Date(event.createdAt),
  };
}
