import type { ConsumeMessage } from 'amqplib';
import { EventStore } from 'nest-event-sourcing';
import { waitForCondition } from './support/app-process';
import { startBankApp } from './support/bank-app';
import { AMQP_URL, describeWithRabbitMq, openRabbitMq, uniqueName, type TestRabbitMq } from './support/brokers';
import { startTcpProxy } from './support/tcp-proxy';

const PUBLISHER = 'bank-events-rabbitmq';

describeWithRabbitMq('bank events published to RabbitMQ', () => {
  let rabbit: TestRabbitMq;

  beforeAll(async () => {
    rabbit = await openRabbitMq();
  });

  afterAll(async () => {
    await rabbit.close();
  });

  /** Binds a queue of the test's own to the bank's exchange, and collects what arrives. */
  async function listen(exchange: string): Promise<ConsumeMessage[]> {
    const queue = uniqueName('bank-events-test');
    rabbit.cleanUp('exchange', exchange);
    rabbit.cleanUp('queue', queue);
    await rabbit.channel.assertExchange(exchange, 'topic', { durable: true });
    await rabbit.channel.assertQueue(queue, { durable: false });
    await rabbit.channel.bindQueue(queue, exchange, `${exchange}.#`);
    const received: ConsumeMessage[] = [];
    await rabbit.channel.consume(queue, (message) => message && received.push(message), { noAck: true });
    return received;
  }

  it('publishes every bank event with publisher confirms, messageId = event id, routing key <prefix>.<type>', async () => {
    const exchange = uniqueName('bank-events');
    const received = await listen(exchange);
    const bank = await startBankApp('bank-rabbitmq', undefined, {
      env: { AMQP_URL: AMQP_URL!, BANK_EVENTS_SUBJECT: exchange },
    });
    try {
      const id = await bank.openAccount('Ada', 500);
      await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 250 }).expect(200);
      await waitForCondition(async () => received.length === 3, 10_000);
      const stored = await bank.app.get(EventStore).readStream(`account-${id}`);
      expect(received.map((m) => m.fields.routingKey)).toEqual([
        `${exchange}.bank.account-opened`,
        `${exchange}.bank.money-deposited`,
        `${exchange}.bank.money-deposited`,
      ]);
      stored.forEach((event, i) => {
        const { properties, content } = received[i]!;
        expect(properties).toMatchObject({
          messageId: event.eventId,
          type: event.type,
          contentType: 'application/json',
          deliveryMode: 2,
        });
        expect(properties.headers).toMatchObject({
          'Es-Stream-Id': event.streamId,
          'Es-Version': String(event.version),
          'Es-Position': event.position.toString(),
          'Es-Revision': String(event.revision),
          'Es-Correlation-Id': event.metadata.correlationId,
        });
        expect(JSON.parse(content.toString())).toMatchObject({ accountId: id });
      });
      const { body } = await bank.http().get('/health').expect(200);
      expect(body.details.brokers).toMatchObject({
        status: 'up',
        connections: [{ broker: 'rabbitmq', connected: true }],
        publishers: { [PUBLISHER]: { lag: 0 } },
      });
    } finally {
      await bank.close();
    }
  });

  it('keeps serving while RabbitMQ is away, shows it in /health, and publishes the backlog once it is back', async () => {
    const exchange = uniqueName('bank-events');
    const received = await listen(exchange);
    const amqp = new URL(AMQP_URL!);
    const proxy = await startTcpProxy(amqp.hostname, Number(amqp.port || 5672));
    amqp.host = proxy.address;
    const bank = await startBankApp('bank-rabbitmq-outage', undefined, {
      env: { AMQP_URL: amqp.toString(), BANK_EVENTS_SUBJECT: exchange },
    });
    try {
      const id = await bank.openAccount('Ada', 100);
      await waitForCondition(async () => received.length === 2, 10_000);

      await proxy.cut();
      for (let i = 0; i < 3; i++) await bank.http().post(`/accounts/${id}/deposits`).send({ amount: 10 }).expect(200);
      await waitForCondition(async () => {
        const response = await bank.http().get('/health');
        return response.status === 503 && response.body.details?.brokers?.publishers?.[PUBLISHER]?.lag === 3;
      }, 20_000);

      await proxy.restore();
      await waitForCondition(async () => (await bank.http().get('/health')).status === 200, 30_000);
      const stored = (await bank.app.get(EventStore).readStream(`account-${id}`)).map((e) => e.eventId);
      // At least once: RabbitMQ has no duplicate window, consumers dedupe by messageId.
      await waitForCondition(
        async () => stored.every((e) => received.some((m) => m.properties.messageId === e)),
        10_000,
      );
      expect(new Set(received.map((m) => m.properties.messageId as string))).toEqual(new Set(stored));
    } finally {
      await bank.close();
      await proxy.close();
    }
  }, 90_000);
});
