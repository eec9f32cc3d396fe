import { randomUUID } from 'node:crypto';
import { recordAppendCalls } from '../../../../../test/support/append-calls';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import type { NewEvent } from '../../events/event-envelope';
import { PostgresEventStore } from './postgres-event-store';

const event = (data: unknown = {}, eventId?: string): NewEvent => ({ type: 'batched.happened', data, eventId });

// Group commit (AppendBatcher): with one statement of joinable appends (one event, a
// number as expected version) in flight at most, the ones that wait go out together. Each must still get exactly the answer it would get alone.
describe('PostgreSQL store: appends that share a statement', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let store: PostgresEventStore;
  const streams = (count: number) => Array.from({ length: count }, () => `batched-${randomUUID()}`);

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'append_batcher');
    store = new PostgresEventStore(subject.dataSource, { appendsInFlight: 1 });
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  it('lands appends of many streams in shared statements, each at its version with its own position', async () => {
    const ids = streams(20);
    for (const id of ids) await store.append(id, [event({ at: 1 })]);
    const shared = recordAppendCalls('runMany');
    let results;
    try {
      results = await Promise.all(ids.map((id) => store.append(id, [event({ at: 2 })], { expectedVersion: 1 })));
    } finally {
      shared.restore();
    }
    expect(shared.sizes.length).toBeGreaterThan(0);
    expect(shared.sizes.reduce((a, b) => a + b, 0)).toBe(19);
    expect(results.every((r) => r.written && r.streamVersion === 2)).toBe(true);
    expect(new Set(results.map((r) => r.position)).size).toBe(20);
    for (const [i, id] of ids.entries()) {
      const stored = await store.readStream(id);
      expect(stored.map((e) => [e.version, e.data])).toEqual([
        [1, { at: 1 }],
        [2, { at: 2 }],
      ]);
      expect(stored[1]!.position).toBe(results[i]!.position);
    }
  });

  it('gives each append of a shared statement its own answer: conflict, exact retry, duplicate id, success', async () => {
    const [conflicted, retried, duplicated, fine, first] = streams(5) as [string, string, string, string, string];
    for (const id of [conflicted, retried, duplicated, fine, first]) await store.append(id, [event()]);
    const retryId = randomUUID();
    const done = await store.append(retried, [event({}, retryId)], { expectedVersion: 1 });
    const [stored] = await store.readStream(fine);
    const shared = recordAppendCalls('runMany');
    let answers;
    try {
      answers = await Promise.allSettled([
        store.append(first, [event()], { expectedVersion: 1 }),
        store.append(conflicted, [event()], { expectedVersion: 3 }),
        store.append(retried, [event({}, retryId)], { expectedVersion: 1 }),
        store.append(duplicated, [event({}, stored!.eventId)], { expectedVersion: 1 }),
        store.append(fine, [event()], { expectedVersion: 1 }),
      ]);
    } finally {
      shared.restore();
    }
    expect(shared.sizes).toEqual([4]);
    expect(answers[0]).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, written: true } });
    expect(answers[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ES_CONCURRENCY', expected: 3, actual: 1 },
    });
    expect(answers[2]).toEqual({ status: 'fulfilled', value: { ...done, written: false } });
    expect(answers[3]).toMatchObject({ status: 'rejected', reason: { code: 'ES_DUPLICATE_EVENT_ID' } });
    expect(answers[4]).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, written: true } });
    expect((await store.readStream(conflicted)).length).toBe(1);
    expect((await store.readStream(duplicated)).length).toBe(1);
    expect((await store.readStream(retried)).length).toBe(2);
  });

  it('sends again alone only the appends a shared statement did not write', async () => {
    const [busy, conflicted, retried, fine] = streams(4) as [string, string, string, string];
    for (const id of [busy, conflicted, retried, fine]) await store.append(id, [event()]);
    const retryId = randomUUID();
    const done = await store.append(retried, [event({}, retryId)], { expectedVersion: 1 });
    const statements = recordAppendCalls('runMany');
    const alone = recordAppendCalls('run');
    let answers;
    try {
      answers = await Promise.allSettled([
        store.append(busy, [event()], { expectedVersion: 1 }),
        store.append(conflicted, [event()], { expectedVersion: 3 }),
        store.append(retried, [event({}, retryId)], { expectedVersion: 1 }),
        store.append(fine, [event()], { expectedVersion: 1 }),
      ]);
    } finally {
      statements.restore();
      alone.restore();
    }
    expect(statements.sizes).toEqual([3]);
    // The first alone, then the two the shared statement left out.
    expect(alone.sizes).toHaveLength(3);
    expect(answers[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ES_CONCURRENCY', expected: 3, actual: 1 },
    });
    expect(answers[2]).toEqual({ status: 'fulfilled', value: { ...done, written: false } });
    expect(answers[3]).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, written: true } });
  });

  it('does not take another stream’s row for an append that wrote nothing, even with the same event id', async () => {
    const [busy, behind, fine] = streams(3) as [string, string, string];
    for (const id of [busy, behind, fine]) await store.append(id, [event()]);
    const shared = randomUUID();
    const answers = await Promise.allSettled([
      store.append(busy, [event()], { expectedVersion: 1 }),
      store.append(behind, [event({}, shared)], { expectedVersion: 3 }),
      store.append(fine, [event({}, shared)], { expectedVersion: 1 }),
      store.append(behind, [event()], { expectedVersion: 1 }),
    ]);
    expect(answers[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ES_CONCURRENCY', expected: 3, actual: 1 },
    });
    expect(answers[2]).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, written: true } });
    expect(answers[3]).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2, written: true } });
  });

  it('never holds an append back behind appends that cannot share a statement', async () => {
    const [waiting, ...busy] = streams(5) as [string, ...string[]];
    await store.append(waiting, [event()]);
    let loaded = true;
    // Four loops of 'any' appends, which never share a statement: they must take no slot.
    const load = Promise.all(
      busy.map(async (id) => {
        while (loaded) await store.append(id, [event()]);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const result = await store.append(waiting, [event()], { expectedVersion: 1 });
    const tookMs = Date.now() - started;
    loaded = false;
    await load;
    expect(result).toMatchObject({ streamVersion: 2, written: true });
    // It used to wait until the load stopped: here, that is never, since the load waits for it.
    expect(tookMs).toBeLessThan(2_000);
  });

  it('refuses an appendsInFlight it cannot work with', () => {
    for (const appendsInFlight of [0, -1, 1.5, Number.NaN]) {
      expect(() => new PostgresEventStore(subject.dataSource, { appendsInFlight })).toThrow(
        /PostgresEventStore option appendsInFlight must be a whole number >= 1 or Infinity/,
      );
    }
  });

  it('does not hang when the append holding the slot waits on a transaction that waits for a queued append', async () => {
    const [locked, other] = streams(2) as [string, string];
    for (const id of [locked, other]) await store.append(id, [event()]);
    let blocked: Promise<unknown> | undefined;
    const started = Date.now();
    await store.transaction(async (tx) => {
      await tx.append(locked, [event()], { expectedVersion: 1 });
      // Takes the only slot, and waits on the transaction's row lock.
      blocked = store.append(locked, [event()], { expectedVersion: 1 }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Queued behind it: it must go out anyway, or the transaction never commits.
      await store.append(other, [event()], { expectedVersion: 1 });
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(blocked).resolves.toMatchObject({ code: 'ES_CONCURRENCY', actual: 2 });
  });
});
