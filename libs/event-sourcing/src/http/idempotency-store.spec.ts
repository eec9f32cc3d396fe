import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { eventStoreMigrations } from '../schema/migrations';
import type { IdempotencyStore, StoredResponse } from './idempotency-store';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

const created: StoredResponse = { status: 201, headers: { location: '/accounts/1', etag: '"1"' }, body: { id: '1' } };

interface Subject {
  /** A store (one per test) whose pending keys time out after `pendingTimeoutMs`, all after `retentionMs`. */
  store(pendingTimeoutMs?: number, retentionMs?: number): IdempotencyStore;
  /** Makes every record older by this much. */
  age(ms: number): Promise<void>;
}

function describeIdempotencyStore(name: string, setUp: () => Promise<Subject & { close(): Promise<void> }>): void {
  describe(`${name} idempotency store`, () => {
    let subject: Subject & { close(): Promise<void> };
    let key: string;
    let n = 0;

    beforeAll(async () => {
      subject = await setUp();
    });
    afterAll(() => subject.close());
    beforeEach(() => {
      key = `${name}-key-${++n}`;
    });

    it('claims a new key, and answers a repeat with the recorded response', async () => {
      const store = subject.store();
      const claim = await store.claim(key, 'f1');
      expect(claim).toEqual({ outcome: 'claimed', claimId: expect.any(String) });
      await expect(store.claim(key, 'f1')).resolves.toEqual({ outcome: 'pending', fingerprint: 'f1' });
      await store.complete(key, (claim as { claimId: string }).claimId, created);
      await expect(store.claim(key, 'f2')).resolves.toEqual({
        outcome: 'completed',
        fingerprint: 'f1',
        response: created,
      });
    });

    it('lets exactly one of concurrent claims of a key win', async () => {
      const store = subject.store();
      const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(key, 'f')));
      expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.outcome === 'pending')).toHaveLength(9);
    });

    it('frees a released key for the next claim, even with another fingerprint', async () => {
      const store = subject.store();
      const first = await store.claim(key, 'f1');
      await store.release(key, (first as { claimId: string }).claimId);
      await expect(store.claim(key, 'f2')).resolves.toMatchObject({ outcome: 'claimed' });
    });

    it('ignores a release or completion by a claim that lost the key', async () => {
      const store = subject.store(1000);
      const first = (await store.claim(key, 'f1')) as { claimId: string };
      await subject.age(2000);
      const second = (await store.claim(key, 'f2')) as { claimId: string };
      expect(second).toMatchObject({ outcome: 'claimed' });
      await store.release(key, first.claimId);
      await store.complete(key, first.claimId, created);
      await expect(store.claim(key, 'f2')).resolves.toEqual({ outcome: 'pending', fingerprint: 'f2' });
    });

    it('takes over a key left pending past the timeout, but not a completed one', async () => {
      const store = subject.store(1000);
      await store.claim(key, 'f1');
      const done = (await store.claim(`${key}-done`, 'f1')) as { claimId: string };
      await store.complete(`${key}-done`, done.claimId, created);
      await subject.age(2000);
      await expect(store.claim(key, 'f1')).resolves.toMatchObject({ outcome: 'claimed' });
      await expect(store.claim(`${key}-done`, 'f1')).resolves.toMatchObject({ outcome: 'completed' });
    });

    it('forgets completed keys after the retention', async () => {
      const store = subject.store(1000, 60_000);
      const claim = (await store.claim(key, 'f1')) as { claimId: string };
      await store.complete(key, claim.claimId, { status: 200, headers: {}, body: null });
      await expect(store.claim(key, 'f1')).resolves.toMatchObject({ outcome: 'completed', response: { body: null } });
      await subject.age(120_000);
      await expect(store.purgeExpired()).resolves.toBeGreaterThanOrEqual(1);
      await expect(store.claim(key, 'f2')).resolves.toMatchObject({ outcome: 'claimed' });
    });
  });
}

describeIdempotencyStore('in-memory', async () => {
  let offset = 0;
  return {
    // Records age as the clock moves on.
    store: (pending = 60_000, retention = 86_400_000) =>
      new InMemoryIdempotencyStore(pending, retention, () => Date.now() + offset),
    age: async (ms) => {
      offset += ms;
    },
    close: async () => undefined,
  };
});

describeIdempotencyStore('PostgreSQL', async () => {
  const database: TestDatabase = await createTestDatabase('postgres', 'idempotency');
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: eventStoreMigrations('public'),
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    store: (pending = 60_000, retention = 86_400_000) =>
      new PostgresIdempotencyStore(dataSource, 'public', pending, retention),
    age: async (ms) => {
      await dataSource.query(`UPDATE es_idempotency_keys SET created_at = created_at - $1 * interval '1 millisecond'`, [
        ms,
      ]);
    },
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
});
