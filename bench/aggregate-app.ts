import {
  EventSourcingModule,
  EventStore,
  getAggregateRepositoryToken,
  SnapshotStore,
  type AggregateRepository,
} from 'nest-event-sourcing';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BenchAccount, SnapshottedBenchAccount } from './bench-account';
import {
  DepositToBenchAccountHandler,
  OpenBenchAccountHandler,
  type DepositToBenchAccount,
  type OpenBenchAccount,
} from './bench-account-commands';

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [BenchAccount, SnapshottedBenchAccount] })],
  providers: [OpenBenchAccountHandler, DepositToBenchAccountHandler],
})
class BenchAccountsModule {}

@Module({})
class BenchModule {
  static forDatabase(url: string, poolSize: number, warmAggregates: number): DynamicModule {
    return {
      module: BenchModule,
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({ database: url, poolSize, applicationName: 'bench-aggregates', warmAggregates }),
        BenchAccountsModule,
      ],
    };
  }
}

/**
 * The aggregate part's side: a standalone Nest application context wired the way an
 * application is (`forRoot` + `forFeature` + `CqrsModule`), and what the workloads use of it.
 */
export class AggregateApp {
  readonly store: EventStore;
  readonly snapshots: SnapshotStore;
  readonly accounts: AggregateRepository<BenchAccount>;
  readonly snapshotted: AggregateRepository<SnapshottedBenchAccount>;
  readonly deposits: DepositToBenchAccountHandler;
  private readonly commandBus: CommandBus;

  private constructor(private readonly context: INestApplicationContext) {
    this.store = context.get(EventStore);
    this.snapshots = context.get(SnapshotStore);
    this.accounts = context.get(getAggregateRepositoryToken(BenchAccount), { strict: false });
    this.snapshotted = context.get(getAggregateRepositoryToken(SnapshottedBenchAccount), { strict: false });
    this.deposits = context.get(DepositToBenchAccountHandler, { strict: false });
    this.commandBus = context.get(CommandBus);
  }

  /**
   * Boots the context on `url` (the store's migrations run, as in an application), with
   * `warmAggregates` as the module option (0: every command reads its stream).
   */
  static async open(url: string, poolSize: number, warmAggregates = 0): Promise<AggregateApp> {
    const context = await NestFactory.createApplicationContext(BenchModule.forDatabase(url, poolSize, warmAggregates), {
      logger: false,
    });
    return new AggregateApp(context);
  }

  execute(command: OpenBenchAccount | DepositToBenchAccount): Promise<number> {
    return this.commandBus.execute(command);
  }

  /** Updates planner statistics of the store's tables after seeding (untimed). */
  async analyze(): Promise<void> {
    const dataSource = this.context.get<DataSource>(getDataSourceToken(), { strict: false });
    await dataSource.query('VACUUM ANALYZE es_events, es_streams, es_snapshots');
  }

  /** Closes the context, and with it the connection pool. */
  async close(): Promise<void> {
    await this.context.close();
  }
}
