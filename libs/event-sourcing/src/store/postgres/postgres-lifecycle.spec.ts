import { randomUUID } from 'node:crypto';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import { NaturalKeyIndexError } from '../../errors/natural-key-index-error';
import { StreamTombstonedError } from '../../errors/stream-tombstoned-error';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore: tombstones across processes, and a lost key table', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'lifecycle');
  });

  afterAll(async () => {
    await subject?.close?.();
  });

  const event = () => ({ type: 'lifecycle.happened', data: { n: 1 } });

  it('refuses an append from a process that knows the stream version, after another process hard-deleted it', async () => {
    const writer = subject.store;
    const eraser = new PostgresEventStore(subject.dataSource);
    const id = `account-${randomUUID()}`;
    await writer.append(id, [event()], { expectedVersion: 'no_stream' });
    await writer.append(id, [event()], { expectedVersion: 1 });
    // The writer knows version 2 is stored: its next append goes without the version check.
    await eraser.hardDeleteStream(id);
    await expect(writer.append(id, [event()], { expectedVersion: 2 })).rejects.toThrow(StreamTombstonedError);
    await expect(writer.append(id, [event(), event()], { expectedVersion: 2 })).rejects.toThrow(StreamTombstonedError);
    expect(await writer.readStream(id)).toEqual([]);
  });

  it('removes the events of appends in flight when the hard delete runs, and refuses those after it', async () => {
    const id = `account-${randomUUID()}`;
    await subject.store.append(id, [event()]);
    const appends = Array.from({ length: 20 }, () => subject.store.append(id, [event()]).then(() => 'written'));
    const tombstone = await subject.store.hardDeleteStream(id);
    const outcomes = await Promise.allSettled(appends);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(StreamTombstonedError);
    }
    const written = outcomes.filter((o) => o.status === 'fulfilled').length;
    // Every append that went in before the delete is counted in its tombstone, and none is left.
    expect(tombstone.lastVersion).toBe(written + 1);
    const [{ count }] = await subject.dataSource.query<[{ count: string }]>(
      `SELECT count(*) FROM es_events WHERE stream_id = $1`,
      [id],
    );
    expect(count).toBe('0');
  });

  it('fails with ES_NATURAL_KEY_INDEX, never "no key", when the key table is gone', async () => {
    const id = `account-${randomUUID()}`;
    await subject.store.append(id, [event()], { naturalKeys: { claim: [{ key: 'account/email', value: 'a@b.c' }] } });
    await subject.dataSource.query(`ALTER TABLE es_natural_keys RENAME TO es_natural_keys_lost`);
    try {
      await expect(subject.store.findByNaturalKey('account/email', 'a@b.c')).rejects.toThrow(NaturalKeyIndexError);
      const claiming = subject.store.append(`account-${randomUUID()}`, [event()], {
        naturalKeys: { claim: [{ key: 'account/email', value: 'x@y.z' }] },
      });
      await expect(claiming).rejects.toMatchObject({ code: 'ES_NATURAL_KEY_INDEX' });
    } finally {
      await subject.dataSource.query(`ALTER TABLE es_natural_keys_lost RENAME TO es_natural_keys`);
    }
    expect(await subject.store.findByNaturalKey('account/email', 'a@b.c')).toBe(id);
  });
});
