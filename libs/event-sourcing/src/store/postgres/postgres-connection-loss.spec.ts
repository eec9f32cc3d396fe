import { Client, type Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { createPostgresSubject } from '../../../../../test/support/postgres-store';
import type { EventStore } from '../event-store';
import type { PoolConnections } from './pool-connections';

// A connection cut while the store holds it (a database restart, an operator's
// pg_terminate_backend) fails that call, and nothing else: no unhandled 'error' event
// takes the process down, and the pool carries on with fresh connections.
describe('PostgreSQL store: a connection cut in the middle of a call', () => {
  let subject: Awaited<ReturnType<typeof createPostgresSubject>>;
  let store: EventStore;

  beforeAll(async () => {
    subject = await createPostgresSubject('postgres', 'connection_loss');
    store = subject.store;
  });
  afterAll(async () => {
    await subject?.close?.();
  });

  it('fails the append whose connection is terminated, and the next append works', async () => {
    const url = (subject.dataSource.driver.options as { url?: string }).url!;
    const locker = new Client({ connectionString: url });
    await locker.connect();
    try {
      // Hold the stream's first version, so the store's append waits on the unique index.
      await locker.query('BEGIN');
      await locker.query(
        `INSERT INTO es_events (event_id, stream_id, version, type, data) VALUES (gen_random_uuid(), 'cut-1', 1, 't', '{}')`,
      );
      const append = store.append('cut-1', [{ type: 't', data: {} }], { expectedVersion: 'no_stream' });
      const waiting = async () =>
        (
          await locker.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND pid <> pg_backend_pid()`,
          )
        ).rows;
      let pids: { pid: number }[] = [];
      for (let i = 0; i < 200 && pids.length === 0; i++) {
        pids = await waiting();
        if (pids.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(pids).toHaveLength(1);
      await locker.query('SELECT pg_terminate_backend($1)', [pids[0]!.pid]);
      await expect(append).rejects.toThrow(/terminat/i);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    await expect(store.append('cut-2', [{ type: 't', data: {} }])).resolves.toMatchObject({ streamVersion: 1 });
  });

  it('hands a connection back after an SQL error, and discards it after one that says the backend is gone', async () => {
    const connections = (store as unknown as { connections: PoolConnections }).connections;
    const pool = (subject.dataSource.driver as PostgresDriver).master as Pool;
    const failWith = (code: string, message: string) =>
      connections.use(async () => {
        throw Object.assign(new Error(message), { code });
      });
    await store.append('cut-4', [{ type: 't', data: {} }]);
    const open = pool.totalCount;
    await expect(failWith('23505', 'duplicate key value')).rejects.toThrow('duplicate');
    expect(pool.totalCount).toBe(open);
    // What the server says as it terminates the backend; the socket closes just after.
    await expect(failWith('57P01', 'terminating connection due to administrator command')).rejects.toThrow('terminat');
    expect(pool.totalCount).toBe(open - 1);
  });

  it('survives a connection cut while it is checked out between two statements', async () => {
    const url = (subject.dataSource.driver.options as { url?: string }).url!;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      // The store's own connection helper, as an append that backs off between tries uses it.
      const connections = (store as unknown as { connections: PoolConnections }).connections;
      await connections.use(async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        const ended = new Promise((resolve) => client.once('end', resolve));
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await ended;
      });
    } finally {
      await admin.end();
    }
    await expect(store.append('cut-3', [{ type: 't', data: {} }])).resolves.toMatchObject({ streamVersion: 1 });
  });
});
