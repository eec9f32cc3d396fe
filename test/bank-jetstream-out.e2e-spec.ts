import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { EventStore } from 'nest-event-sourcing';
import { builtApp, startAppProcess, waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp } from './support/bank-app';
import { describeWithNats, NATS_URL, openJetStream, uniqueName, type TestJetStream } from './support/brokers';
import { startTcpProxy } from './support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const PUBLISHER = 'bank-events-jetstream';

/** The bank's broker names for one test: streams and subjects of its own (the NATS server is shared). */
function brokerNames(): Record<string, string> {
  const tag = uniqueName('t').slice(2);
  return {
    BANK_EVENTS_STREAM: `BANK_EVENTS_${tag}`,
    BANK_EVENTS_SUBJECT: `bank-events-${tag}`,
    BANK_INBOUND_STREAM: `BANK_INBOUND_${tag}`,
    BANK_INBOUND_SUBJECT: `bank-inbound-${tag}.deposits`,
  };
}

async function query<T>(database: TestDatabase, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The ids of the bank events in the store. */
async function storedEventIds(database: TestDatabase): Promise<string[]> {
  const rows = await query<{ id: string }>(
    database,
    `SELECT event_id::text AS id FROM es_events WHERE type LIKE 'bank.%'`,
  );
  return rows.map((r) => r.id).sort();
}

describeWithNats('bank events published to JetStream', () => {
  let jetStream: TestJetStream;

  beforeAll(async () => {
    jetStream = await openJetStream();
  });

  afterAll(async () => {
    await jetStream.close();
  });

  it('publishes every bank event on bank-events.<type>, Nats-Msg-Id = event id, the envelope in headers', async () => {
    const names = brokerNames();
    jetStream.cleanUp(names.BANK_EVENTS_STREAM!, names.BANK_INBOUND_STREAM!);
    const bank = await startBankApp('bank-jetstream', undefined, { env: { NATS_URL: NATS_URL!, ...names } });
    try {
      const id = await bank.openAccount('Ada', 500);
      await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 250 }).expect(200);
      const store = bank.app.get(EventStore);
      const stored = await store.readStream(`account-${id}`);
      expect(stored).toHaveLength(3);
      await waitForCondition(async () => (await jetStream.count(names.BANK_EVENTS_STREAM!)) === 3, 10_000);

      const messages = await jetStream.messages(names.BANK_EVENTS_STREAM!);
      expect(messages.map((m) => m.subject)).toEqual([
        `${names.BANK_EVENTS_SUBJECT}.bank.account-opened`,
        `${names.BANK_EVENTS_SUBJECT}.bank.money-deposited`,
        `${names.BANK_EVENTS_SUBJECT}.bank.money-deposited`,
      ]);
      stored.forEach((event, i) => {
        const { headers, body } = messages[i]!;
        expect(headers).toMatchObject({
          'Nats-Msg-Id': event.eventId,
          'Es-Event-Id': event.eventId,
          'Es-Stream-Id': event.streamId,
          'Es-Version': String(event.version),
          'Es-Position': event.position.toString(),
          'Es-Type': event.type,
          'Es-Revision': String(event.revision),
          'Es-Correlation-Id': event.metadata.correlationId,
          'Es-Causation-Id': event.metadata.causationId,
        });
        expect(JSON.parse(body)).toMatchObject({ accountId: id });
      });
      expect(JSON.parse(messages[2]!.body)).toEqual({ accountId: id, amount: 250, balance: 750 });

      const { body: health } = await bank.http().get('/health').expect(200);
      expect(health.details.brokers).toMatchObject({
        status: 'up',
        connections: [{ broker: 'nats', connected: true }],
        publishers: { [PUBLISHER]: { lag: 0 } },
      });
      const { body: listed } = await bank
        .http()
        .get('/admin/subscriptions')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .expect(200);
      const status = listed.subscribers as {
        name: string;
        kind: string;
      }[];
      expect(status).toContainEqual(expect.objectContaining({ name: PUBLISHER, kind: 'publisher' }));
    } finally {
      await bank.close();
    }
  });

  it('after kill -9 in the middle of publishing and a restart, the stream holds every event exactly once', async () => {
    const names = brokerNames();
    jetStream.cleanUp(names.BANK_EVENTS_STREAM!, names.BANK_INBOUND_STREAM!);
    const database = await createTestDatabase('postgres', 'bank_jetstream_kill');
    try {
      // A backlog of 20,000 deposits, stored while no broker is configured.
      const seed = await startBankApp('bank-jetstream-kill', undefined, { database });
      const id = await seed.openAccount('Ada');
      const store = seed.app.get(EventStore);
      for (let page = 0; page < 100; page++) {
        const events = Array.from({ length: 200 }, (_, i) => ({
          type: 'bank.money-deposited',
          revision: 2,
          data: { accountId: id, amount: 1, balance: page * 200 + i + 1 },
        }));
        await store.append(`account-${id}`, events);
      }
      await seed.close();
      const total = (await storedEventIds(database)).length;
      expect(total).toBe(20_001);

      const env = { ...process.env, DATABASE_URL: database.url, NATS_URL: NATS_URL!, PORT: '0', ...names };
      const child = spawn(process.execPath, [builtApp('bank')], { env, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let atKill = 0;
      try {
        await waitForCondition(async () => {
          atKill = await jetStream.count(names.BANK_EVENTS_STREAM!);
          return atKill > 0;
        }, 60_000);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      // Killed in the middle: some went out, not all.
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(total);

      const restarted = await startAppProcess(builtApp('bank'), {
        DATABASE_URL: database.url,
        NATS_URL: NATS_URL!,
        ...names,
      });
      try {
        await waitForCondition(
          async () => {
            const [row] = await query<{ last: string; head: string }>(
              database,
              `SELECT c.last_position::text AS last, (SELECT max(position) FROM es_events)::text AS head
                 FROM es_checkpoints c WHERE c.subscriber = '${PUBLISHER}'`,
            );
            return row !== undefined && row.last === row.head;
          },
          60_000,
          () => restarted.output(),
        );
      } finally {
        await restarted.stop('SIGTERM');
      }
      const messages = await jetStream.messages(names.BANK_EVENTS_STREAM!);
      const ids = messages.map((m) => m.headers['Nats-Msg-Id']!);
      expect(messages).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      expect(ids.sort()).toEqual(await storedEventIds(database));
    } finally {
      await database.drop();
    }
  }, 180_000);

  it('keeps serving while NATS is away, shows it in /health, then publishes the backlog and consumes again', async () => {
    const names = brokerNames();
    jetStream.cleanUp(names.BANK_EVENTS_STREAM!, names.BANK_INBOUND_STREAM!);
    const nats = new URL(NATS_URL!);
    const proxy = await startTcpProxy(nats.hostname, Number(nats.port));
    const bank = await startBankApp('bank-jetstream-outage', undefined, {
      env: { NATS_URL: `nats://${proxy.address}`, ...names },
    });
    try {
      const id = await bank.openAccount('Ada', 100);
      await waitForCondition(async () => (await jetStream.count(names.BANK_EVENTS_STREAM!)) === 2, 10_000);

      await proxy.cut();
      // Commands still go through: the events wait in the store.
      let balance = 0;
      for (let i = 0; i < 3; i++) {
        balance = (await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 10 }).expect(200)).body.balance;
      }
      expect(balance).toBe(130);
      let brokers: { status: string; connections: { connected: boolean }[]; publishers: Record<string, unknown> } = {
        status: '',
        connections: [],
        publishers: {},
      };
      await waitForCondition(async () => {
        const response = await bank.http().get('/health');
        brokers = response.body.details?.brokers;
        return response.status === 503 && brokers?.status === 'down';
      }, 20_000);
      expect(brokers.connections).toEqual([expect.objectContaining({ broker: 'nats', connected: false })]);
      expect(brokers.publishers[PUBLISHER]).toMatchObject({ lag: 3 });
      expect(await jetStream.count(names.BANK_EVENTS_STREAM!)).toBe(2);

      await proxy.restore();
      await waitForCondition(async () => (await bank.http().get('/health')).status === 200, 30_000);
      await waitForCondition(async () => (await jetStream.count(names.BANK_EVENTS_STREAM!)) >= 5, 10_000);
      // The inbound consumer is back too: an external deposit sent now goes in.
      const reference = uniqueName('after-outage');
      await jetStream.publish(
        names.BANK_INBOUND_SUBJECT!,
        JSON.stringify({ accountId: id, amount: 5, reference }),
        reference,
      );
      await waitForCondition(async () => (await bank.balances(id))[0] === 135, 20_000);
      await waitForCondition(async () => (await jetStream.count(names.BANK_EVENTS_STREAM!)) >= 6, 10_000);
      const ids = (await jetStream.messages(names.BANK_EVENTS_STREAM!)).map((m) => m.headers['Nats-Msg-Id']);
      expect(ids.sort()).toEqual(await storedEventIds(bank.database));
    } finally {
      await bank.close();
      await proxy.close();
    }
  }, 90_000);
});
