import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventSourcingModule, EventStore } from 'nest-event-sourcing';
import { BenchAccountOpened, Deposited } from './bench-account';
import { accountStream } from './projection-history';
import { OperationTimer } from './stats';
import { readCellSpec } from './store-cell-process';

// One cell of the replica section, in a process of its own: boots the module (untimed)
// without a replica or with `readReplica` on a second pool to the same database, then
// times `queries` queryEvents of one stream's 100 events each, one after another.

/** One replica cell. */
export interface ReplicaCellSpec {
  url: string;
  side: 'primary' | 'replica';
  cellId: string;
  accounts: number;
  queries: number;
}

@Module({})
class ReplicaBenchModule {
  static forCell(spec: ReplicaCellSpec): DynamicModule {
    return {
      module: ReplicaBenchModule,
      imports: [
        EventSourcingModule.forRoot({
          database: spec.url,
          applicationName: 'bench-replica',
          ...(spec.side === 'replica' ? { readReplica: { url: spec.url } } : {}),
        }),
        EventSourcingModule.forFeature({ events: [BenchAccountOpened, Deposited] }),
      ],
    };
  }
}

async function main(): Promise<void> {
  const spec = readCellSpec(process.argv.slice(2)) as unknown as ReplicaCellSpec;
  const app = await NestFactory.createApplicationContext(ReplicaBenchModule.forCell(spec), {
    logger: ['error', 'warn'],
  });
  try {
    const store = app.get(EventStore);
    // Warm the pools' connections and the statement's plan, untimed.
    for (let i = 0; i < 20; i++) await store.queryEvents({ streams: [accountStream(i % spec.accounts)], limit: 100 });
    const timer = new OperationTimer();
    let events = 0;
    timer.start();
    for (let q = 0; q < spec.queries; q++) {
      const found = await timer.time(() =>
        store.queryEvents({ streams: [accountStream((q * 7919) % spec.accounts)], limit: 100 }),
      );
      events += found.length;
    }
    timer.stop();
    process.stdout.write(`${JSON.stringify({ result: timer.stats(events) })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
