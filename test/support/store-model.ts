import type { AppendOptions, EventMetadata, NewEvent } from 'nest-event-sourcing';

// A pure model of the event store's log, written from the contract (EventStore's TSDoc,
// ARCHITECTURE.md's guarantees), not from either store's code: what one append does to
// the log and what it answers. The property tests hold both stores to it.

/** An append as the property tests make it. */
export interface AppendCall {
  streamId: string;
  events: NewEvent[];
  options?: AppendOptions;
}

/** An event of the modelled log. `eventId` is undefined when the store generated it. */
export interface ModelEvent {
  eventId: string | undefined;
  streamId: string;
  version: number;
  type: string;
  revision: number;
  data: unknown;
  metadata: EventMetadata;
  /** The call that wrote it, and the step that call belonged to. */
  call: number;
  step: number;
}

/** The codes of the errors that refuse bad input, writing nothing. */
export type BadInputCode =
  'ES_INVALID_STREAM_ID' | 'ES_INVALID_EXPECTED_VERSION' | 'ES_INVALID_EVENT' | 'ES_EVENT_TOO_LARGE';

/** What an append answers, as the model predicts it or as a store gave it. */
export type Outcome =
  | { kind: 'appended'; streamVersion: number; written: boolean }
  | { kind: 'concurrency'; streamId: string; expected: unknown; actual: number }
  | { kind: 'duplicate'; streamId: string; eventId: string }
  | { kind: 'bad-input'; codes: BadInputCode[] };

const KEYWORDS = new Set<unknown>(['any', 'no_stream', 'stream_exists']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The log: every stream's events in version order, and where each event id is stored. */
export class StoreModel {
  private constructor(
    readonly maxEventSize: number,
    private readonly streams: Map<string, ModelEvent[]>,
    private readonly byId: Map<string, ModelEvent>,
  ) {}

  static empty(maxEventSize: number): StoreModel {
    return new StoreModel(maxEventSize, new Map(), new Map());
  }

  /** A copy to try an order of concurrent calls on; events are never changed, so they are shared. */
  clone(): StoreModel {
    return new StoreModel(
      this.maxEventSize,
      new Map([...this.streams].map(([id, events]) => [id, [...events]])),
      new Map(this.byId),
    );
  }

  version(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  events(streamId: string): readonly ModelEvent[] {
    return this.streams.get(streamId) ?? [];
  }

  /** Every event, stream by stream. */
  all(): ModelEvent[] {
    return [...this.streams.values()].flat();
  }

  /** Applies `append` as the contract says and returns what it must answer. */
  apply(append: AppendCall, call: number, step: number): Outcome {
    const codes = badInput(append, this.maxEventSize);
    if (codes.length > 0) return { kind: 'bad-input', codes };
    const { streamId } = append;
    const expected = append.options?.expectedVersion ?? 'any';
    const ids = append.events.map((e) => e.eventId?.toLowerCase());
    const version = this.version(streamId);
    if (!matches(expected, version)) {
      return this.replay(streamId, expected, ids) ?? { kind: 'concurrency', streamId, expected, actual: version };
    }
    const stored = ids.filter((id): id is string => id !== undefined && this.byId.has(id));
    if (stored.length > 0) {
      const replay = stored.length === ids.length ? this.replay(streamId, expected, ids) : undefined;
      return replay ?? { kind: 'duplicate', streamId, eventId: stored[0]! };
    }
    const events = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, events);
    append.events.forEach((e, i) => {
      const event: ModelEvent = {
        eventId: ids[i],
        streamId,
        version: version + i + 1,
        type: e.type,
        revision: e.revision ?? 1,
        data: JSON.parse(JSON.stringify(e.data)) as unknown,
        metadata: JSON.parse(JSON.stringify(e.metadata ?? {})) as EventMetadata,
        call,
        step,
      };
      events.push(event);
      if (event.eventId !== undefined) this.byId.set(event.eventId, event);
    });
    return { kind: 'appended', streamVersion: version + append.events.length, written: true };
  }

  /**
   * An exact retry: every id already stored in this stream, at consecutive versions, right
   * after a version the expected version allows. It answers the first try's result.
   */
  private replay(streamId: string, expected: unknown, ids: (string | undefined)[]): Outcome | undefined {
    const found = ids.map((id) => (id === undefined ? undefined : this.byId.get(id)));
    const base = (found[0]?.version ?? 0) - 1;
    const inPlace = found.every((e, i) => e?.streamId === streamId && e.version === base + i + 1);
    const baseAllowed = typeof expected === 'number' ? expected === base : expected !== 'no_stream' || base === 0;
    if (!inPlace || !baseAllowed) return undefined;
    return { kind: 'appended', streamVersion: base + ids.length, written: false };
  }
}

function matches(expected: unknown, version: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return version === 0;
  if (expected === 'stream_exists') return version > 0;
  return expected === version;
}

/** Every reason the store must refuse `append` before it looks at the log. */
function badInput({ streamId, events, options }: AppendCall, maxEventSize: number): BadInputCode[] {
  const codes = new Set<BadInputCode>();
  if (!isText(streamId, 255) || streamId.trim() === '') codes.add('ES_INVALID_STREAM_ID');
  const expected = options?.expectedVersion;
  if (expected !== undefined && !KEYWORDS.has(expected) && !(Number.isSafeInteger(expected) && Number(expected) >= 0))
    codes.add('ES_INVALID_EXPECTED_VERSION');
  const ids = new Set<string>();
  for (const event of events) {
    if (!isGoodEvent(event)) codes.add('ES_INVALID_EVENT');
    else if (jsonBytes(event.data) + jsonBytes(event.metadata ?? {}) > maxEventSize) codes.add('ES_EVENT_TOO_LARGE');
    const id = event.eventId?.toLowerCase();
    if (id !== undefined && ids.has(id)) codes.add('ES_INVALID_EVENT');
    if (id !== undefined) ids.add(id);
  }
  return [...codes];
}

function isGoodEvent({ type, eventId, revision, data, metadata }: NewEvent): boolean {
  const rev = revision ?? 1;
  const ids = [metadata?.correlationId, metadata?.causationId];
  return (
    isText(type, 200) &&
    type.trim() !== '' &&
    (eventId === undefined || UUID.test(eventId)) &&
    Number.isInteger(rev) &&
    rev >= 1 &&
    rev <= 2_147_483_647 &&
    data !== undefined &&
    isCleanJson(data) &&
    (metadata === undefined || isCleanJson(metadata)) &&
    ids.every((id) => id === undefined || typeof id === 'string')
  );
}

/** A string PostgreSQL keeps as it is: no NUL, no lone surrogate, at most `max` UTF-16 units. */
function isText(value: unknown, max = Infinity): value is string {
  return typeof value === 'string' && value.length <= max && !value.includes('\0') && value.isWellFormed();
}

/** Whether every string of a JSON value, keys included, is one `jsonb` keeps. */
function isCleanJson(value: unknown): boolean {
  if (typeof value === 'string') return isText(value);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([key, item]) => isText(key) && isCleanJson(item));
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
