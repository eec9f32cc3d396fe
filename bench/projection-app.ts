import { EventSourcingModule, EventStore, Subscriptions } from 'nest-event-sourcing';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BenchBalance } from './bench-balance.entity';
import { BALANCES_PROJECTION, BenchBalancesProjection } from './bench-balances.projection';
import { waitUntil } from './wait-until';

@Module({
  imports: [
    TypeOrmModule.forFeature([BenchBalance]),
    EventSourcingModule.forFeature({ projections: [BenchBalancesProjection] }),
  ],
})
class BenchBalancesModule {}

/** How one context of the projection part runs. */
export interface ProjectionAppOptions {
  /** Whether this context runs the projection (`subscriptions.run`). */
  run: boolean;
  /** `batchSize` of the module: events per page and per projection transaction. */
  batchSize: number;
  /** `application_name` of its connections. */
  applicationName: string;
  /** Partitions of the projection (`subscriptions.partitions`); default 1, not partitioned. */
  partitions?: number;
}

@Module({})
class ProjectionBenchModule {
  static forDatabase(url: string, options: ProjectionAppOptions): DynamicModule {
    return {
      module: ProjectionBenchModule,
      imports: [
        EventSourcingModule.forRoot({
          database: url,
          batchSize: options.batchSize,
          applicationName: options.applicationName,
          subscriptions: { run: options.run, partitions: { [BALANCES_PROJECTION]: options.partitions ?? 1 } },
          typeorm: { synchronize: true },
        }),
        BenchBalancesModule,
      ],
    };
  }
}

/**
 * A standalone Nest application context with {@link BenchBalancesProjection}, wired as an
 * application is, the subscription options left at their defaults: one that runs the
 * projection, or (`run: false`) an instance that only appends and steers it.
 */
export class ProjectionApp {
  readonly store: EventStore;
  readonly subscriptions: Subscriptions;
  readonly dataSource: DataSource;

  private constructor(private readonly context: INestApplicationContext) {
    this.store = context.get(EventStore);
    this.subscriptions = context.get(Subscriptions);
    this.dataSource = context.get<DataSource>(getDataSourceToken(), { strict: false });
  }

  /** Boots a context on `url`; the store's migrations run and the read model's table is synchronized. */
  static async open(url: string, options: ProjectionAppOptions): Promise<ProjectionApp> {
    const context = await NestFactory.createApplicationContext(ProjectionBenchModule.forDatabase(url, options), {
      logger: ['error', 'warn'],
    });
    return new ProjectionApp(context);
  }

  /**
   * Boots an instance that runs the projection (`run: true`) and waits until it holds the
   * projection's lock, so that what is timed next does not include taking it.
   */
  static async openRunner(url: string, batchSize: number): Promise<ProjectionApp> {
    const app = await ProjectionApp.open(url, { run: true, batchSize, applicationName: 'bench-projection' });
    try {
      await waitUntil(
        'the projection instance to take the lock',
        async () => (await app.subscriptions.statusOf(BALANCES_PROJECTION)).instance?.local === true,
      );
    } catch (error) {
      await app.close();
      throw error;
    }
    return app;
  }

  /** Closes the context: the runner finishes its page and gives its lock up, the pool closes. */
  async close(): Promise<void> {
    await this.context.close();
  }
}
