import { Client } from 'pg';
import { EventStore } from 'nest-event-sourcing';
import { waitForCondition } from './support/app-process';
import { ADMIN_TOKEN, startBankApp, type BankTestApp } from './support/bank-app';
import { describeWithNats, NATS_URL, openJetStream, uniqueName, type TestJetStream } from './support/brokers';

const CONSUMER = 'bank-deposits';

interface ParkedView {
  subscriber: string;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
}

describeWithNats('external deposits from JetStream', () => {
  let jetStream: TestJetStream;
  let bank: BankTestApp;
  let inbound: { stream: string; subject: string };

  const admin = (method: 'get' | 'post' | 'delete', path: string) =>
    bank.http()[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const parked = async (): Promise<ParkedView[]> =>
    (await admin('get', '/admin/subscriptions/parked').expect(200)).body.parked as ParkedView[];
  const send = (id: string, body: unknown) =>
    jetStream.publish(inbound.subject, typeof body === 'string' ? body : JSON.stringify(body), id);
  /** The consumer has nothing left to deliver and nothing unacknowledged. */
  const drained = async (): Promise<boolean> => {
    const info = await jetStream.manager.consumers.info(inbound.stream, CONSUMER);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };
  const inboxRows = async (): Promise<{ message_id: string; status: string }[]> => {
    const client = new Client({ connectionString: bank.database.url });
    await client.connect();
    try {
      return (
        await client.query<{ message_id: string; status: string }>(
          `SELECT message_id, status FROM es_inbox ORDER BY message_id`,
        )
      ).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    jetStream = await openJetStream();
    const tag = uniqueName('t').slice(2);
    inbound = { stream: `BANK_INBOUND_${tag}`, subject: `bank-inbound-${tag}.deposits` };
    const events = { stream: `BANK_EVENTS_${tag}`, subject: `bank-events-${tag}` };
    // A duplicate window of 100 ms, so that a message id can come twice (as a redelivery does).
    await jetStream.addStream(inbound.stream, [inbound.subject], 100);
    jetStream.cleanUp(events.stream);
    bank = await startBankApp('bank-inbound', undefined, {
      env: {
        NATS_URL: NATS_URL!,
        BANK_EVENTS_STREAM: events.stream,
        BANK_EVENTS_SUBJECT: events.subject,
        BANK_INBOUND_STREAM: inbound.stream,
        BANK_INBOUND_SUBJECT: inbound.subject,
      },
    });
  });

  afterAll(async () => {
    await bank?.close();
    await jetStream.close();
  });

  it('deposits a message delivered twice once, and a reference sent again under another id once', async () => {
    const id = await bank.openAccount('Ada', 100);
    const reference = uniqueName('pay');
    expect(await send(reference, { accountId: id, amount: 250, reference })).toBe(false);
    await waitForCondition(async () => (await bank.balances(id))[0] === 350, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Past the broker's duplicate window: stored and delivered a second time; the inbox drops it.
    expect(await send(reference, { accountId: id, amount: 250, reference })).toBe(false);
    // The same reference under another message id: the account drops it.
    await send(`${reference}-again`, { accountId: id, amount: 250, reference });
    await waitForCondition(drained, 10_000);
    await waitForCondition(async () => (await inboxRows()).length === 2, 10_000);

    expect(await bank.balances(id)).toEqual([350]);
    const deposits = (await bank.app.get(EventStore).readStream(`account-${id}`)).filter(
      (e) => e.type === 'bank.money-deposited',
    );
    expect(deposits.map((e) => e.data)).toEqual([
      { accountId: id, amount: 100, balance: 100 },
      { accountId: id, amount: 250, balance: 350, reference },
    ]);
    // The message's id correlates what it caused (it came with no Es-Correlation-Id of its own).
    expect(deposits[1]!.metadata.correlationId).toBe(reference);
    expect(await inboxRows()).toEqual([
      { message_id: reference, status: 'handled' },
      { message_id: `${reference}-again`, status: 'handled' },
    ]);
  });

  it('parks poison messages after their tries and acknowledges them; they are retried and dismissed by the admin API', async () => {
    const id = await bank.openAccount('Grace', 999_999_999_999_990);
    const ids = {
      notJson: uniqueName('bad-json'),
      fraction: uniqueName('fraction'),
      inexact: uniqueName('inexact'),
      unknown: uniqueName('unknown'),
      overLimit: uniqueName('over-limit'),
    };
    await send(ids.notJson, '{"accountId": ');
    await send(ids.fraction, { accountId: id, amount: 10.5, reference: ids.fraction });
    await send(ids.inexact, `{"accountId":"${id}","amount":100.0000000000000001,"reference":"${ids.inexact}"}`);
    await send(ids.unknown, { accountId: 'no-such-account', amount: 5, reference: ids.unknown });
    await send(ids.overLimit, { accountId: id, amount: 100, reference: ids.overLimit });

    await waitForCondition(async () => (await parked()).length === 5, 20_000);
    // Acknowledged: nothing is delivered again.
    await waitForCondition(drained, 10_000);
    const byId = new Map((await parked()).map((p) => [p.eventId, p]));
    expect(byId.get(ids.notJson)).toMatchObject({ subscriber: CONSUMER, type: inbound.subject, attempts: 3 });
    expect(byId.get(ids.notJson)!.error).toMatch(/not JSON/);
    expect(byId.get(ids.fraction)!.error).toMatch(/amount must be an integer/);
    expect(byId.get(ids.inexact)!.error).toMatch(/cannot be held exactly/);
    expect(byId.get(ids.unknown)!.error).toMatch(/no-such-account/);
    expect(byId.get(ids.overLimit)!.error).toMatch(/pass the limit/);
    expect((await bank.http().get(`/accounts/${id}`).expect(200)).body.balance).toBe(999_999_999_999_990);

    // Still invalid: the retry fails (422) and it stays parked.
    const again = await admin('post', `/admin/subscriptions/${CONSUMER}/parked/${ids.fraction}/retry`).expect(422);
    expect(again.body).toMatchObject({ code: 'ES_INVALID_INTEGRATION_MESSAGE' });
    // Room made: the parked deposit goes in on retry.
    await bank.http().post(`/accounts/${id}/withdrawals`).send({ amount: 1000 }).expect(200);
    const retried = await admin('post', `/admin/subscriptions/${CONSUMER}/parked/${ids.overLimit}/retry`).expect(200);
    expect(retried.body).toEqual({ outcome: 'handled' });
    expect((await bank.balances(id))[0]).toBe(999_999_999_999_090);
    for (const dismissed of [ids.notJson, ids.fraction, ids.inexact, ids.unknown]) {
      await admin('delete', `/admin/subscriptions/${CONSUMER}/parked/${dismissed}`).expect(204);
    }
    expect(await parked()).toEqual([]);
    await admin('delete', `/admin/subscriptions/${CONSUMER}/parked/${ids.unknown}`).expect(404);
    // A dismissed message that comes again stays dismissed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await send(ids.unknown, { accountId: 'no-such-account', amount: 5, reference: ids.unknown });
    await waitForCondition(drained, 10_000);
    expect(await parked()).toEqual([]);
  });
});
