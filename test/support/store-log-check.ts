import type { AppendResult, EventEnvelope, EventStore, GlobalCursor } from 'nest-event-sourcing';
import type { CallMaker } from './store-call-maker';
import type { AppendCall, ModelEvent, StoreModel } from './store-model';

/** An append that succeeded (and committed), with what it answered. */
export interface Appended {
  call: AppendCall;
  result: AppendResult;
}

/** What a run tells the check besides the model. */
export interface RunRecord {
  appended: readonly Appended[];
  /** Where readAll stood before the run. */
  start: GlobalCursor;
  run: number;
  /** The transaction of each call made in one, by the call's number. */
  transactionOf: ReadonlyMap<number, string>;
  /** The steps that were races of transactions. */
  raced: ReadonlySet<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How long readAll may take to show a run's events: a transaction open anywhere on the server holds it back. */
const VISIBLE_WITHIN_MS = 10_000;

/**
 * Checks that the store holds exactly the model's log, read every way:
 * - each stream of the run reads as the model's events, versions 1…n (also backwards,
 *   by ranges and pages); `streamVersion` agrees; each call's events, and each
 *   transaction's, share one transaction id, in position order;
 * - each successful answer's position is that of the event at its version;
 * - readAll, from `start`, shows every event of the run exactly once, as the stream
 *   reads show it, nothing a refused call could have written, and in an order that keeps
 *   the steps' order, each call's events together and each stream's versions ascending
 *   (but for two transactions of one race, see below);
 * - queryEvents finds the same events.
 * Returns the cursor after the run's events.
 */
export async function verifyLog(
  store: EventStore,
  model: StoreModel,
  maker: CallMaker,
  record: RunRecord,
): Promise<GlobalCursor> {
  const stored = new Map<string, EventEnvelope>();
  const byPlace = new Map<string, EventEnvelope>();
  for (const streamId of maker.streamIds()) {
    const events = await store.readStream(streamId);
    const expected = model.events(streamId);
    expect(events.map(essentials)).toEqual(expected.map(modelled));
    expect(await store.streamVersion(streamId)).toBe(expected.length);
    await expectRangeReads(store, streamId, events);
    for (const event of events) {
      expect(stored.has(event.eventId)).toBe(false);
      stored.set(event.eventId, event);
      byPlace.set(place(event), event);
    }
  }
  const modelAt = new Map(model.all().map((e) => [place(e), e]));
  const modelOf = (e: EventEnvelope): ModelEvent => modelAt.get(place(e))!;
  const all = [...stored.values()];
  const units = groupBy(all, (e) => record.transactionOf.get(modelOf(e).call) ?? modelOf(e).call);
  for (const unit of units.values()) expect(new Set(unit.map((e) => e.transactionId)).size).toBe(1);
  for (const call of groupBy(all, (e) => modelOf(e).call).values()) {
    const positions = call.map((e) => e.position);
    expect(positions).toEqual([...positions].sort(compareBigint));
  }
  for (const { call, result } of record.appended) {
    const at = byPlace.get(place({ streamId: call.streamId, version: result.streamVersion }));
    expect(at?.position).toBe(result.position);
  }

  const { mine, cursor } = await readRun(store, record, maker.prefix, stored.size);
  expect(mine.map((e) => e.eventId).sort()).toEqual([...stored.keys()].sort());
  for (const event of mine) expect(event).toEqual(stored.get(event.eventId));
  const order = mine.map(modelOf);
  expect(order.map((e) => e.step)).toEqual(order.map((e) => e.step).sort((a, b) => a - b));
  const calls = order.map((e) => e.call).filter((call, i, all) => call !== all[i - 1]);
  expect(new Set(calls).size).toBe(calls.length);
  // Each stream's versions ascend, except between two transactions of one race: readAll
  // orders transactions by id, and a transaction takes its id when it starts (in memory) or
  // first writes (PostgreSQL), so one that waited for another's commit can come first.
  const unitOf = (e: ModelEvent): number | string => record.transactionOf.get(e.call) ?? e.call;
  const raced = (a: ModelEvent, b: ModelEvent): boolean =>
    a.step === b.step && record.raced.has(a.step) && unitOf(a) !== unitOf(b);
  for (const events of groupBy(order, (e) => e.streamId).values()) {
    expect(events.map((e) => e.version).sort((a, b) => a - b)).toEqual(events.map((_, i) => i + 1));
    const descents = events.filter((e, i) => i > 0 && e.version < events[i - 1]!.version && !raced(events[i - 1]!, e));
    expect(descents.map((e) => place(e))).toEqual([]);
  }

  const found = await store.queryEvents({ streams: maker.streamIds(), limit: null });
  expect(found.map((e) => e.eventId).sort()).toEqual([...stored.keys()].sort());
  for (const event of found) expect(event).toEqual(stored.get(event.eventId));
  return cursor;
}

/** Reads of part of a stream agree with the whole of it. */
async function expectRangeReads(store: EventStore, streamId: string, events: EventEnvelope[]): Promise<void> {
  const ids = (read: EventEnvelope[]): string[] => read.map((e) => e.eventId);
  const all = ids(events);
  expect(ids(await store.readStream(streamId, { direction: 'backwards' }))).toEqual([...all].reverse());
  expect(ids(await store.readStream(streamId, { fromVersion: 2, toVersion: 3 }))).toEqual(all.slice(1, 3));
  expect(ids(await store.readStream(streamId, { direction: 'backwards', fromVersion: 3, limit: 2 }))).toEqual(
    all.slice(Math.max(0, Math.min(3, all.length) - 2), 3).reverse(),
  );
  const iterated: EventEnvelope[] = [];
  for await (const event of store.iterateStream(streamId, { batchSize: 2 })) iterated.push(event);
  expect(ids(iterated)).toEqual(all);
}

/**
 * The run's events in readAll's order, read in small pages from the run's start, once all
 * `count` show (or the wait ran out). Events of earlier runs may still turn up (a held
 * horizon lets them in late); any other event is one a refused call wrote.
 */
async function readRun(
  store: EventStore,
  { start, run }: RunRecord,
  prefix: string,
  count: number,
): Promise<{ mine: EventEnvelope[]; cursor: GlobalCursor }> {
  const deadline = Date.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    const all: EventEnvelope[] = [];
    let cursor = start;
    for (;;) {
      const page = await store.readAll({ after: cursor, limit: 7 });
      all.push(...page.events);
      cursor = page.cursor;
      if (page.events.length < 7) break;
    }
    const earlier = (e: EventEnvelope): boolean => Number(/^p(\d+)~/.exec(e.streamId)?.[1]) < run;
    const foreign = all.filter((e) => !e.streamId.startsWith(prefix) && !earlier(e));
    expect(foreign.map((e) => e.streamId)).toEqual([]);
    const mine = all.filter((e) => e.streamId.startsWith(prefix));
    if (mine.length >= count || Date.now() > deadline) return { mine, cursor };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function essentials(e: EventEnvelope): Omit<ModelEvent, 'call' | 'step'> {
  const { eventId, streamId, version, type, revision, data, metadata } = e;
  return { eventId, streamId, version, type, revision, data, metadata };
}

function modelled(e: ModelEvent): Omit<ModelEvent, 'call' | 'step'> {
  const { eventId, streamId, version, type, revision, data, metadata } = e;
  const generated = expect.stringMatching(UUID) as string;
  return { eventId: eventId ?? generated, streamId, version, type, revision, data, metadata };
}

function place(e: { streamId: string; version: number }): string {
  return `${e.version}@${e.streamId}`;
}

/** `Map.groupBy`, which Node 20 lacks. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
