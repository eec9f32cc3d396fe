import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsInt, IsString } from 'class-validator';
import { DataSource } from 'typeorm';
import {
  AMQP_URL,
  describeWithRabbitMq,
  openRabbitMq,
  uniqueName,
  type TestRabbitMq,
} from '../../../../test/support/brokers';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { EventSourcingModule } from '../event-sourcing.module';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { Subscriptions } from '../subscriptions/subscriptions';
import { EventSourcingBrokersModule } from './event-sourcing-brokers.module';
import { IntegrationEventHandler } from './integration-event-handler.decorator';
import type { InboxContext, IntegrationMessage } from './integration-message';

class Payment {
  @IsString()
  payer!: string;

  @IsInt()
  cents!: number;
}

const CONSUMER = 'payments-in';

/** Writes each payment through the inbox transaction's manager: exactly once with its inbox row. */
@Injectable()
class Payments {
  @IntegrationEventHandler('payments.incoming.*', {
    name: CONSUMER,
    broker: 'rabbitmq',
    body: Payment,
    maxAttempts: 2,
    retryBackoffMs: 10,
  })
  async paid({ id, data }: IntegrationMessage<Payment>, { manager }: InboxContext): Promise<void> {
    if (data.cents < 0) throw new Error(`a payment of ${data.cents} cents is refused`);
    await manager.query('INSERT INTO payments (message_id, payer, cents) VALUES ($1, $2, $3)', [
      id,
      data.payer,
      data.cents,
    ]);
  }
}

describeWithRabbitMq('inbound messages from RabbitMQ, with the inbox', () => {
  let database: TestDatabase;
  let rabbit: TestRabbitMq;
  let moduleRef: TestingModule;
  let exchange: string;
  let queue: string;

  beforeEach(async () => {
    database = await createTestDatabase('postgres', 'rabbitmq_inbox');
    rabbit = await openRabbitMq();
    exchange = uniqueName('payments');
    queue = uniqueName('payments-in');
    rabbit.cleanUp('exchange', exchange);
    rabbit.cleanUp('queue', queue);
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({ database: database.url }),
        EventSourcingBrokersModule.forRoot({
          rabbitmq: { url: AMQP_URL! },
          handlers: { [CONSUMER]: { exchange, queue } },
        }),
      ],
      providers: [Payments],
    }).compile();
    await moduleRef.get(DataSource).query('CREATE TABLE payments (message_id text PRIMARY KEY, payer text, cents int)');
    await moduleRef.init();
    // The handler declares and binds its queue once it consumes.
    await pollUntil(Date.now() + 10_000, async () => {
      const probe = await rabbit.connection.createChannel();
      probe.on('error', () => undefined);
      try {
        return (await probe.checkQueue(queue)).consumerCount === 1;
      } catch {
        return false;
      } finally {
        await probe.close().catch(() => undefined);
      }
    });
  });

  afterEach(async () => {
    await moduleRef.close();
    await rabbit.close();
    await database.drop();
  });

  const send = (messageId: string, body: unknown): void => {
    rabbit.channel.publish(exchange, 'payments.incoming.card', Buffer.from(JSON.stringify(body)), { messageId });
  };
  const rows = () => moduleRef.get(DataSource).query<{ message_id: string }[]>('SELECT message_id FROM payments');
  const until = async (check: () => Promise<boolean>): Promise<void> => {
    expect(await pollUntil(Date.now() + 10_000, check)).toBe(true);
  };

  it('handles a message sent twice once, and parks a poison one, which is retried and dismissed', async () => {
    send('m-1', { payer: 'Ada', cents: 100 });
    send('m-1', { payer: 'Ada', cents: 100 });
    send('m-2', { payer: 'Grace', cents: -5 });
    send('m-3', { payer: 'Alan' });
    send('m-4', { payer: 'Alan', cents: 7 });
    const subscriptions = moduleRef.get(Subscriptions);
    await until(async () => (await subscriptions.parked(CONSUMER)).length === 2 && (await rows()).length === 2);
    expect((await rows()).map((r) => r.message_id).sort()).toEqual(['m-1', 'm-4']);
    const parked = await subscriptions.parked();
    expect(parked.map((p) => [p.subscriber, p.eventId, p.type, p.attempts])).toEqual([
      [CONSUMER, 'm-2', 'payments.incoming.card', 2],
      [CONSUMER, 'm-3', 'payments.incoming.card', 2],
    ]);
    expect(parked[1]!.error).toMatch(/cents must be an integer/);
    // Every message acknowledged: the queue is empty.
    await until(async () => (await rabbit.channel.checkQueue(queue)).messageCount === 0);

    await expect(subscriptions.retryParked(CONSUMER, 'm-2')).rejects.toThrow(/refused/);
    expect((await subscriptions.parked(CONSUMER)).find((p) => p.eventId === 'm-2')?.attempts).toBe(3);
    await subscriptions.dismissParked(CONSUMER, 'm-2');
    await subscriptions.dismissParked(CONSUMER, 'm-3');
    expect(await subscriptions.parked()).toEqual([]);
    // Dismissed for good: sent again, it is not handled.
    send('m-2', { payer: 'Grace', cents: 5 });
    send('m-5', { payer: 'Grace', cents: 5 });
    await until(async () => (await rows()).length === 3);
    expect((await rows()).map((r) => r.message_id).sort()).toEqual(['m-1', 'm-4', 'm-5']);
  });
});
