import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nanos, type NatsConnection } from '@nats-io/transport-node';
import { EventSourcingModule, Subscriptions } from 'nest-event-sourcing';
import { EventSourcingBrokersModule } from 'nest-event-sourcing/brokers';
import { Client } from 'pg';
import { BenchAccountOpened, Deposited } from './bench-account';
import { cellStream, type PublishCellResult, type PublishCellSpec } from './publish-config';
import { readCellSpec } from './store-cell-process';

// One cell of the publish section, in a process of its own: publishes every event of the
// seeded store to a fresh JetStream stream, either through the library's publisher (a
// durable subscriber, its checkpoint moved after the broker acknowledged each page) or
// through a raw loop with the same guarantees: gap-safe pages of the same size, every
// message of a page in flight at once with Nats-Msg-Id and the same nine headers, all
// PubAcks awaited, then the checkpoint written. Boot and stream creation are untimed.

const DUPLICATE_WINDOW = nanos(10 * 60_000);

@Module({})
class PublishBenchModule {
  static forCell(spec: PublishCellSpec): DynamicModule {
    const { stream, prefix } = cellStream(spec.cellId);
    return {
      module: PublishBenchModule,
      imports: [
        EventSourcingModule.forRoot({
          database: spec.url,
          batchSize: spec.params.batchSize,
          applicationName: 'bench-publish',
        }),
        EventSourcingModule.forFeature({ events: [BenchAccountOpened, Deposited] }),
        EventSourcingBrokersModule.forRoot({
          nats: { servers: spec.params.natsUrl },
          publishers: [{ name: publisherName(spec), broker: 'nats', prefix, stream: { name: stream } }],
        }),
      ],
    };
  }
}

function publisherName(spec: PublishCellSpec): string {
  return `bench-publisher-${spec.cellId}`;
}

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as PublishCellSpec;
  const { stream, prefix } = cellStream(spec.cellId);
  const nats = await connect({ servers: spec.params.natsUrl });
  const manager = await jetstreamManager(nats);
  const pg = new Client({ connectionString: spec.url, application_name: 'bench-publish-raw' });
  await pg.connect();
  try {
    // The same stream either way, made before the clock starts.
    await manager.streams.add({ name: stream, subjects: [`${prefix}.>`], duplicate_window: DUPLICATE_WINDOW });
    const [{ n }] = (await pg.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows as [{ n: string }];
    const events = Number(n);
    const wallMs = spec.side === 'library' ? await viaLibrary(spec, pg) : await viaRawClient(spec, pg, nats);
    const messages = await messagesIn(manager, stream);
    if (messages !== events) throw new Error(`${stream} holds ${messages} messages, not the ${events} events.`);
    const result: PublishCellResult = { events, wallMs, eventsPerSecond: events / (wallMs / 1000), messages };
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await manager.streams.delete(stream).catch(() => undefined);
    await pg.end();
    await nats.close();
  }
}

/** Boots the module with the publisher paused (untimed), then times resume → caught up. */
async function viaLibrary(spec: PublishCellSpec, pg: Client): Promise<number> {
  const name = publisherName(spec);
  await pg.query(`INSERT INTO es_checkpoints (subscriber, status) VALUES ($1, 'paused')`, [name]);
  const app = await NestFactory.createApplicationContext(PublishBenchModule.forCell(spec), {
    logger: ['error', 'warn'],
  });
  try {
    const subscriptions = app.get(Subscriptions);
    const begin = process.hrtime.bigint();
    await subscriptions.resume(name);
    await subscriptions.waitUntilCaughtUp([name], { timeoutMs: 10 * 60_000 });
    return Number(process.hrtime.bigint() - begin) / 1e6;
  } finally {
    await app.close();
  }
}

interface RawRow {
  transaction_id: string;
  position: string;
  event_id: string;
  stream_id: string;
  version: number;
  type: string;
  revision: number;
  data: unknown;
  metadata: { correlationId?: string; causationId?: string };
  created_at: Date;
}

/** The raw loop: read a page, publish it all, await every ack, write the checkpoint. */
async function viaRawClient(spec: PublishCellSpec, pg: Client, nats: NatsConnection): Promise<number> {
  const { stream, prefix } = cellStream(spec.cellId);
  const js = jetstream(nats);
  const checkpoint = `bench-raw-${spec.cellId}`;
  await pg.query(`INSERT INTO es_checkpoints (subscriber) VALUES ($1)`, [checkpoint]);
  const begin = process.hrtime.bigint();
  let after = { xid: '0', position: '0' };
  for (;;) {
    const { rows } = await pg.query<RawRow>(
      `SELECT transaction_id::text, position::text, event_id, stream_id, version, type, revision, data, metadata, created_at
         FROM es_events
        WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, position LIMIT $3`,
      [after.xid, after.position, spec.params.batchSize],
    );
    if (rows.length === 0) break;
    const acks = rows.map((row) => {
      const h = natsHeaders();
      h.set('Es-Event-Id', row.event_id);
      h.set('Es-Stream-Id', row.stream_id);
      h.set('Es-Version', String(row.version));
      h.set('Es-Position', row.position);
      h.set('Es-Type', row.type);
      h.set('Es-Revision', String(row.revision));
      if (row.metadata.correlationId) h.set('Es-Correlation-Id', row.metadata.correlationId);
      if (row.metadata.causationId) h.set('Es-Causation-Id', row.metadata.causationId);
      h.set('Es-Created-At', row.created_at.toISOString());
      return js.publish(`${prefix}.${row.type}`, JSON.stringify(row.data), {
        msgID: row.event_id,
        headers: h,
        expect: { streamName: stream },
      });
    });
    await Promise.all(acks);
    const last = rows.at(-1)!;
    after = { xid: last.transaction_id, position: last.position };
    await pg.query(
      `UPDATE es_checkpoints SET transaction_id = $2::text::xid8, position = $3, updated_at = now() WHERE subscriber = $1`,
      [checkpoint, after.xid, after.position],
    );
  }
  return Number(process.hrtime.bigint() - begin) / 1e6;
}

async function messagesIn(manager: JetStreamManager, stream: string): Promise<number> {
  return (await manager.streams.info(stream)).state.messages;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
