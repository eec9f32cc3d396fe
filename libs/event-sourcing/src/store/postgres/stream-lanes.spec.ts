import { randomUUID } from 'node:crypto';
import { recordAppendCalls } from '../../../../../test/support/append-calls';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { ConcurrencyError } from '../../errors/concurrency-error';
import { DuplicateEventIdError } from '../../errors/duplicate-event-id-error';
import type { NewEvent } from '../../events/event-envelope';
import { PostgresEventStore } from './postgres-event-store';

const event = (data: unknown = {}, eventId?: string): NewEvent => ({ type: 'lanes.happened', data, eventId });

// Appends of one process to one stream queue up (StreamLanes): these tests check what the
// queue answers by itself, and, with two stores standing for two instances, that the
// database's own concurrency control still answers everything the queue cannot know.
describe('PostgreSQL store: appends to one stream from one process', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let store: PostgresEventStore;
  let other: PostgresEventStore;
  const stream = () => `lanes-${randomUUID()}`;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'stream_lanes');
    store = subject.store as PostgresEventStore;
    other = new PostgresEventStore(subject.dataSource);
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  it('answers appends overtaken by the one before them without asking the database', async () => {
    const id = stream();
    await store.append(id, [event()]);
    const statements = recordAppendCalls('run');
    try {
      const race = await Promise.allSettled(
        Array.from({ length: 10 }, (_, racer) => store.append(id, [event({ racer })], { expectedVersion: 1 })),
      );
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const loser of race.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(loser.reason).toBeInstanceOf(ConcurrencyError);
        expect(loser.reason).toMatchObject({ code: 'ES_CONCURRENCY', streamId: id, expected: 1, actual: 2 });
      }
      expect(statements.sizes).toHaveLength(1);
    } finally {
      statements.restore();
    }
    expect((await store.readStream(id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it('lets the database judge a queued append that repeats the one before it (an exact retry)', async () => {
    const id = stream();
    await store.append(id, [event()]);
    const eventId = randomUUID();
    const [first, retry] = await Promise.all([
      store.append(id, [event({}, eventId)], { expectedVersion: 1 }),
      store.append(id, [event({}, eventId)], { expectedVersion: 1 }),
    ]);
    expect(first).toMatchObject({ streamVersion: 2, written: true });
    expect(retry).toEqual({ streamVersion: 2, position: first.position, written: false });
  });

  it("answers 'no_stream' on a stream just created the same way, and leaves other expectations to the database", async () => {
    const id = stream();
    const [created, again, ahead, any] = await Promise.allSettled([
      store.append(id, [event(), event()], { expectedVersion: 'no_stream' }),
      store.append(id, [event()], { expectedVersion: 'no_stream' }),
      store.append(id, [event()], { expectedVersion: 5 }),
      store.append(id, [event()], { expectedVersion: 'any' }),
    ]);
    expect(created).toMatchObject({ status: 'fulfilled', value: { streamVersion: 2 } });
    expect(again).toMatchObject({ status: 'rejected', reason: { code: 'ES_CONCURRENCY', actual: 2 } });
    // Expected 5 on a stream at 2: only the database knows whether another instance wrote 3 to 5.
    expect(ahead).toMatchObject({ status: 'rejected', reason: { code: 'ES_CONCURRENCY', expected: 5, actual: 2 } });
    expect(any).toMatchObject({ status: 'fulfilled', value: { streamVersion: 3 } });
  });

  it('reports a version conflict before a stored event id, as the database does', async () => {
    const id = stream();
    await store.append(id, [event()]);
    const [stored] = await store.readStream(id);
    const [winner, loser] = await Promise.allSettled([
      store.append(id, [event()], { expectedVersion: 1 }),
      store.append(id, [event({}, stored!.eventId)], { expectedVersion: 1 }),
    ]);
    expect(winner.status).toBe('fulfilled');
    expect(loser).toMatchObject({ status: 'rejected', reason: { code: 'ES_CONCURRENCY', expected: 1, actual: 2 } });
    // Alone, the same append reaches the database, which names the stored id.
    await expect(store.append(id, [event({}, stored!.eventId)], { expectedVersion: 2 })).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
  });

  it('keeps no knowledge once the queue is empty: versions written elsewhere are the database’s to tell', async () => {
    const id = stream();
    await store.append(id, [event()]);
    await store.append(id, [event()], { expectedVersion: 1 });
    // Another instance moves the stream on; this store's next append learns it from the database.
    await other.append(id, [event()], { expectedVersion: 2 });
    await expect(store.append(id, [event()], { expectedVersion: 2 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      actual: 3,
    });
    await expect(store.append(id, [event()], { expectedVersion: 3 })).resolves.toMatchObject({ streamVersion: 4 });
  });

  it('leaves races between instances to the database: one winner per version, no gap, no duplicate', async () => {
    const id = stream();
    await store.append(id, [event()]);
    const writers = [store, other, store, other, store, other, store, other];
    await Promise.all(
      writers.map(async (writer, n) => {
        for (let i = 0; i < 10; i++) {
          let version = await writer.streamVersion(id);
          for (;;) {
            try {
              await writer.append(id, [event({ n, i })], { expectedVersion: version });
              break;
            } catch (error) {
              if (!(error instanceof ConcurrencyError)) throw error;
              version = error.actual;
            }
          }
        }
      }),
    );
    const stored = await store.readStream(id);
    expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 81 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => JSON.stringify(e.data))).size).toBe(81);
  });
});
