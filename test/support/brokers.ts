import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { connect as amqpConnect, type Channel, type ChannelModel } from 'amqplib';

/** The brokers' URLs, as the global setup found them (undefined: away, outside CI). */
export const NATS_URL = process.env.ES_TEST_NATS_URL;
export const AMQP_URL = process.env.ES_TEST_AMQP_URL;

/** `describe` when the broker answers, else `describe.skip` (under CI the global setup fails first). */
export const describeWithNats = NATS_URL ? describe : describe.skip;
export const describeWithRabbitMq = AMQP_URL ? describe : describe.skip;

/** A name no other test run uses: streams, subjects, exchanges and queues are shared by the machine. */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** A message of a JetStream stream, as the broker stores it. */
export interface StoredMessage {
  seq: number;
  subject: string;
  headers: Record<string, string>;
  body: string;
}

/** A connection to the test NATS, with the helpers the tests use; `close` deletes the streams made through it. */
export interface TestJetStream {
  connection: NatsConnection;
  manager: JetStreamManager;
  /** Creates a stream (deleted on close). */
  addStream(name: string, subjects: string[], duplicateWindowMs?: number): Promise<void>;
  /** Publishes with a `Nats-Msg-Id`, and answers whether the stream called it a duplicate. */
  publish(subject: string, body: string, msgId: string): Promise<boolean>;
  /** Every message of a stream, in order. */
  messages(stream: string): Promise<StoredMessage[]>;
  /** The stream's message count, 0 when it does not exist (yet). */
  count(stream: string): Promise<number>;
  /** Deletes these streams on close too (those an app made). */
  cleanUp(...streams: string[]): void;
  close(): Promise<void>;
}

export async function openJetStream(): Promise<TestJetStream> {
  const connection = await connect({ servers: NATS_URL! });
  const manager = await jetstreamManager(connection);
  const client = jetstream(connection);
  const made = new Set<string>();
  return {
    connection,
    manager,
    addStream: async (name, subjects, duplicateWindowMs) => {
      made.add(name);
      await manager.streams.add({
        name,
        subjects,
        ...(duplicateWindowMs ? { duplicate_window: nanos(duplicateWindowMs) } : {}),
      });
    },
    publish: async (subject, body, msgId) => {
      const h = headers();
      h.set('Content-Type', 'application/json');
      return (await client.publish(subject, body, { msgID: msgId, headers: h })).duplicate;
    },
    messages: async (stream) => {
      // An ordered consumer reads them all in a few round trips (getMessage would take one each).
      const total = (await manager.streams.info(stream)).state.messages;
      const found: StoredMessage[] = [];
      if (total === 0) return found;
      const consumer = await client.consumers.get(stream);
      const iterator = await consumer.consume();
      for await (const message of iterator) {
        const h: Record<string, string> = {};
        for (const key of message.headers?.keys() ?? []) h[key] = message.headers!.get(key);
        found.push({ seq: message.seq, subject: message.subject, headers: h, body: message.string() });
        if (message.info.pending === 0) break;
      }
      await iterator.close();
      return found;
    },
    count: async (stream) => {
      try {
        return (await manager.streams.info(stream)).state.messages;
      } catch {
        return 0;
      }
    },
    cleanUp: (...streams) => streams.forEach((s) => made.add(s)),
    close: async () => {
      for (const stream of made) await manager.streams.delete(stream).catch(() => undefined);
      await connection.close();
    },
  };
}

/** A channel on the test RabbitMQ; `close` deletes the queues and exchanges named to it. */
export interface TestRabbitMq {
  connection: ChannelModel;
  channel: Channel;
  cleanUp(kind: 'queue' | 'exchange', ...names: string[]): void;
  close(): Promise<void>;
}

export async function openRabbitMq(): Promise<TestRabbitMq> {
  const connection = await amqpConnect(AMQP_URL!);
  connection.on('error', () => undefined);
  const channel = await connection.createChannel();
  const queues = new Set<string>();
  const exchanges = new Set<string>();
  return {
    connection,
    channel,
    cleanUp: (kind, ...names) => names.forEach((n) => (kind === 'queue' ? queues : exchanges).add(n)),
    close: async () => {
      // A channel of its own for each: a refused delete closes the channel it ran on.
      const remove = async (work: (c: Channel) => Promise<unknown>): Promise<void> => {
        const own = await connection.createChannel();
        own.on('error', () => undefined);
        await work(own).catch(() => undefined);
        await own.close().catch(() => undefined);
      };
      for (const queue of queues) await remove((c) => c.deleteQueue(queue));
      for (const exchange of exchanges) await remove((c) => c.deleteExchange(exchange));
      await connection.close();
    },
  };
}
