import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { SubscriptionConnection } from './subscription-connection';

// NOTIFY coalescing, against a real server: a listener counts what one process sends.
describe('SubscriptionConnection.notify', () => {
  let database: TestDatabase;
  let listener: Client;
  let received = 0;
  const channel = 'es_appended_spec';

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'notify');
    listener = new Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', () => received++);
    await listener.query(`LISTEN ${channel}`);
  });
  afterAll(async () => {
    await listener?.end();
    await database?.drop();
  });

  async function notificationsOf(intervalMs: number, calls: number, everyMs: number): Promise<number> {
    const connection = new SubscriptionConnection({ connectionString: database.url }, 'public', channel, intervalMs);
    // Connected first (taking a lock connects): calls before that would share one NOTIFY.
    await connection.tryLock('notify-spec');
    try {
      received = 0;
      for (let call = 0; call < calls; call++) {
        connection.notify();
        await sleep(everyMs);
      }
      // The last call's NOTIFY comes at most an interval (and a round trip) later.
      await sleep(intervalMs + 300);
      return received;
    } finally {
      await connection.close();
    }
  }

  it('sends one NOTIFY per interval to a busy appender, and never drops the last', async () => {
    // 40 appends over about 200 ms, with 100 ms between NOTIFYs: a handful, not 40.
    const sent = await notificationsOf(100, 40, 5);
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(5);
  });

  it('sends one per append, when they are apart, with an interval of 0', async () => {
    expect(await notificationsOf(0, 10, 50)).toBe(10);
  });
});
