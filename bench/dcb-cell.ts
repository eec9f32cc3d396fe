import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AppendConditionError, EventSourcingModule, EventStore, type DecisionQuery } from 'nest-event-sourcing';
import { withClient } from './bench-database';
import type { DcbCellResult, DcbCellSpec, DcbParams } from './dcb-config';
import { runWorkers } from './run-workers';
import { OperationTimer, operationRate } from './stats';
import { readCellSpec } from './store-cell-process';

// One cell of the decisions section, in a process of its own: boots the module as an
// application does (untimed), runs its workload once (timed) and prints `{"result":…}`.

@Module({})
class DcbBenchModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DcbBenchModule,
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: url, poolSize, applicationName: 'bench-dcb' }),
      ],
    };
  }
}

const event = (tags?: string[]) => ({
  type: 'bench.claimed',
  data: { amount: 1, at: new Date().toISOString() },
  ...(tags ? { tags } : {}),
});

type Workload = (
  store: EventStore,
  p: DcbParams,
  timer: OperationTimer,
  spec: DcbCellSpec,
) => Promise<Partial<DcbCellResult>>;

const WORKLOADS: Record<DcbCellSpec['cell'], Workload> = {
  /** The hot path: untagged single-event appends after a known version. */
  plain: async (store, p, timer, { cellId: id }) => {
    for (let version = 0; version < p.appends; version++) {
      await timer.time(() => store.append(`dcb-${id}-plain`, [event()], { expectedVersion: version }));
    }
    return {};
  },
  /** The same appends, each tagged and conditioned on its tag (a seat of its own). */
  conditional: async (store, p, timer, { cellId: id }) => {
    const { after } = await store.readMatching([{ tags: [`seat:${id}-none`] }]);
    for (let version = 0; version < p.appends; version++) {
      const tag = `seat:${id}-${version}`;
      const query: DecisionQuery = [{ types: ['bench.claimed'], tags: [tag] }];
      await timer.time(() =>
        store.append(`dcb-${id}-conditional`, [event([tag])], {
          expectedVersion: version,
          condition: { query, after },
        }),
      );
    }
    return {};
  },
  /** 2-tag readMatching over the seeded events: one list's and one owner's, which one event shares. */
  read: async (store, p, timer) => {
    const lists = Math.max(1, Math.floor(p.seededEvents / 20));
    for (let n = 0; n < p.reads; n++) {
      const k = Math.floor(Math.random() * lists);
      const { events } = await timer.time(() =>
        store.readMatching([{ tags: [`list:${k}`, `owner:${(k * 20) % 997}`] }]),
      );
      if (events.length !== 1)
        throw new Error(`list:${k} owner:${(k * 20) % 997} matched ${events.length} events, not 1.`);
    }
    return {};
  },
  /** Writers deciding on one counter: read, append on the condition, again (after a jittered pause) when it failed. */
  contended: async (store, p, timer, { cellId: id }) => {
    const tag = `counter:${id}`;
    const query: DecisionQuery = [{ tags: [tag] }];
    let committed = 0;
    let retries = 0;
    await runWorkers(p.writers, async () => {
      while (committed < p.decisions) {
        await timer.time(async () => {
          for (let attempt = 1; ; attempt++) {
            const { events, after } = await store.readMatching(query);
            try {
              await store.append(`dcb-${id}-${randomUUID()}`, [event([tag])], { condition: { query, after } });
              committed++;
              return events.length;
            } catch (error) {
              if (!(error instanceof AppendConditionError)) throw error;
              retries++;
              // As a command handler retries (commandRetry's default backoffMs, 10): full jitter.
              await new Promise((resolve) =>
                setTimeout(resolve, Math.random() * Math.min(10 * 2 ** (attempt - 1), 1000)),
              );
            }
          }
        });
      }
    });
    const { events } = await store.readMatching(query);
    if (events.length !== committed) throw new Error(`${committed} decisions committed, ${events.length} stored.`);
    return { retries };
  },
  /** Untimed: the read cell's events, by SQL, with the tag index built after them. */
  seed: async (_store, p, _timer, { url }) => {
    await seed(url, p);
    return {};
  },
};

async function seed(url: string, p: DcbParams): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('DROP INDEX IF EXISTS es_events_tags_idx');
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    const chunk = 100_000;
    for (let from = 0; from < p.seededEvents; from += chunk) {
      const to = Math.min(p.seededEvents, from + chunk) - 1;
      await client.query(
        `INSERT INTO es_events (event_id, stream_id, version, type, data, tags)
         SELECT gen_random_uuid(), 'seed-' || (i % 5000), i / 5000 + 1, 'bench.claimed', '{"amount":1}',
                ARRAY['list:' || (i / 20), 'owner:' || (i % 997)]
           FROM generate_series(${from}::bigint, ${to}::bigint) AS i`,
      );
    }
    await client.query(
      `CREATE INDEX es_events_tags_idx ON es_events USING gin (tags) WITH (fastupdate = off) WHERE tags <> '{}'`,
    );
    await client.query('VACUUM ANALYZE es_events');
  });
}

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as DcbCellSpec;
  const context = await NestFactory.createApplicationContext(DcbBenchModule.forRoot(spec.url, spec.params.poolSize), {
    logger: ['error'],
  });
  try {
    const store = context.get(EventStore);
    const timer = new OperationTimer();
    timer.start();
    const extra = await WORKLOADS[spec.cell](store, spec.params, timer, spec);
    timer.stop();
    if (spec.cell === 'seed') {
      process.stdout.write(
        `${JSON.stringify({ result: { operations: 0, wallMs: 0, perSecond: 0, p50Ms: 0, p99Ms: 0 } })}\n`,
      );
      return;
    }
    const result: DcbCellResult = { ...operationRate(timer.stats(0)), ...extra };
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error('Decisions cell failed:', error);
  process.exitCode = 1;
});
