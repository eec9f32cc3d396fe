import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { KnownVersions } from './known-versions';
import { PostgresEventStore } from './postgres-event-store';
import { isConnectionError } from '../../database/postgres-errors';

describe('KnownVersions', () => {
  it('keeps the highest version told per stream, and every lower one counts as stored', () => {
    const known = new KnownVersions();
    known.learn('a', 5);
    known.learn('a', 3);
    expect(known.has('a', 5)).toBe(true);
    expect(known.has('a', 1)).toBe(true);
    expect(known.has('a', 6)).toBe(false);
    expect(known.has('b', 1)).toBe(false);
    known.learn('b', 0);
    expect(known.has('b', 0)).toBe(true);
    expect(known.has('b', 1)).toBe(false);
  });

  it('forgets the stream told least recently once full', () => {
    const known = new KnownVersions(2);
    known.learn('a', 1);
    known.learn('b', 1);
    known.learn('a', 2);
    known.learn('c', 1);
    expect(known.has('b', 1)).toBe(false);
    expect(known.has('a', 2)).toBe(true);
    expect(known.has('c', 1)).toBe(true);
  });
});

// An append that expects a version this process saw stored skips the check that it exists;
// the unique key must still answer everything another instance did meanwhile.
describe('PostgreSQL store: appends after a known version', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let store: PostgresEventStore;
  let other: PostgresEventStore;
  const event = (eventId?: string) => ({ type: 'known.happened', data: {}, eventId });

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'known_versions');
    store = subject.store as PostgresEventStore;
    other = new PostgresEventStore(subject.dataSource);
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  it('answers a version another instance took with ConcurrencyError, and an exact retry as done', async () => {
    const id = `known-${randomUUID()}`;
    await other.append(id, [event(), event()]);
    expect(await store.readStream(id)).toHaveLength(2);
    const taken = randomUUID();
    const first = await other.append(id, [event(taken)], { expectedVersion: 2 });
    // This store knows version 2 exists, not that 3 was taken since.
    await expect(store.append(id, [event()], { expectedVersion: 2 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      expected: 2,
      actual: 3,
    });
    await expect(store.append(id, [event(taken)], { expectedVersion: 2 })).resolves.toEqual({
      ...first,
      written: false,
    });
    await expect(store.append(id, [event(), event()], { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      actual: 3,
    });
    await expect(store.append(id, [event()], { expectedVersion: 3 })).resolves.toMatchObject({ streamVersion: 4 });
    expect((await store.readStream(id)).map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('still checks an expected version beyond what it knows', async () => {
    const id = `known-${randomUUID()}`;
    await store.append(id, [event()]);
    await expect(store.append(id, [event()], { expectedVersion: 5 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      expected: 5,
      actual: 1,
    });
    await expect(store.append(id, [event(), event()], { expectedVersion: 3 })).rejects.toMatchObject({
      code: 'ES_CONCURRENCY',
      actual: 1,
    });
    expect(await store.streamVersion(id)).toBe(1);
  });

  it('forgets what it knew when its connections are replaced (a database back from a failover may lack events)', async () => {
    const id = `known-${randomUUID()}`;
    await store.append(id, [event(), event(), event()]);
    // As if the server came back without versions 2 and 3, on new connections.
    await subject.dataSource.query('DELETE FROM es_events WHERE stream_id = $1 AND version > 1', [id]);
    const admin = new Client({ connectionString: (subject.dataSource.driver.options as { url?: string }).url });
    await admin.connect();
    try {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
    } finally {
      await admin.end();
    }
    // Calls may still meet connections the pool has not seen die (each fails, and is
    // discarded): try until one reaches the database, as a caller after a failover would.
    let answer: unknown;
    for (let tries = 0; tries < 30; tries++) {
      answer = await store.append(id, [event()], { expectedVersion: 3 }).catch((error: unknown) => error);
      if (!isConnectionError(answer)) break;
    }
    expect(answer).toMatchObject({ code: 'ES_CONCURRENCY', expected: 3, actual: 1 });
    expect((await store.readStream(id)).map((e) => e.version)).toEqual([1]);
  });
});
