import {
  ConcurrencyError,
  EventSourcingModule,
  EventStore,
  getAggregateRepositoryToken,
  START_OF_STORE,
  type AggregateRepository,
  type EventSourcingModuleOptions,
  type GlobalCursor,
} from 'nest-event-sourcing';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { BenchEvent } from './bench-event';
import type { BenchSide, GlobalReader } from './bench-side';
import { DepositTotal } from './deposit-total';

@Module({ imports: [EventSourcingModule.forFeature({ aggregates: [DepositTotal] })] })
class DepositTotalsModule {}

@Module({})
class StoreBenchModule {
  static forRoot(options: EventSourcingModuleOptions): DynamicModule {
    return {
      module: StoreBenchModule,
      imports: [CqrsModule.forRoot(), EventSourcingModule.forRoot(options), DepositTotalsModule],
    };
  }
}

/**
 * The store as an application gets it: `EventSourcingModule.forRoot` in a Nest
 * application context (its migrations run at boot), the `EventStore` and an
 * `AggregateRepository` taken from it.
 */
export class StoreAppSide implements BenchSide {
  private readonly store: EventStore;
  private readonly totals: AggregateRepository<DepositTotal>;

  private constructor(private readonly context: INestApplicationContext) {
    this.store = context.get(EventStore);
    this.totals = context.get(getAggregateRepositoryToken(DepositTotal), { strict: false });
  }

  /** Boots the module on `url` with `poolSize` connections and the variant's `options`. */
  static async open(url: string, poolSize: number, options: EventSourcingModuleOptions): Promise<StoreAppSide> {
    const module = StoreBenchModule.forRoot({ database: url, poolSize, applicationName: 'bench-store', ...options });
    return new StoreAppSide(await NestFactory.createApplicationContext(module, { logger: ['error'] }));
  }

  async append(streamId: string, expectedVersion: number, events: readonly BenchEvent[]): Promise<boolean> {
    try {
      await this.store.append(streamId, events, { expectedVersion });
      return true;
    } catch (error) {
      if (error instanceof ConcurrencyError) return false;
      throw error;
    }
  }

  appendContended(streamId: string, expectedVersion: number, event: BenchEvent): Promise<boolean> {
    return this.append(streamId, expectedVersion, [event]);
  }

  streamVersion(streamId: string): Promise<number> {
    return this.store.streamVersion(streamId);
  }

  async rehydrate(totalId: string): Promise<number> {
    return (await this.totals.load(totalId)).total;
  }

  globalReader(): GlobalReader {
    let cursor: GlobalCursor = START_OF_STORE;
    return {
      nextPage: async (limit) => {
        const page = await this.store.readAll({ after: cursor, limit });
        cursor = page.cursor;
        return { count: page.events.length, lastStreamId: page.events.at(-1)?.streamId };
      },
    };
  }

  /** Closes the context, and with it the pool. */
  async close(): Promise<void> {
    await this.context.close();
  }
}
