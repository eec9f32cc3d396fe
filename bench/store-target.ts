import {
  ConcurrencyError,
  eventStoreMigrations,
  PostgresEventStore,
  START_OF_STORE,
  type GlobalCursor,
} from 'nest-event-sourcing';
import { DataSource } from 'typeorm';
import type { BenchEvent, BenchTarget, GlobalReader } from './bench-target';

/** The event store side: `PostgresEventStore` over a migrated TypeORM `DataSource`. */
export class StoreTarget implements BenchTarget {
  readonly name = 'store' as const;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly store: PostgresEventStore,
  ) {}

  /** Connects to `url` and runs the store's migrations, as test/support/postgres-store.ts does. */
  static async open(url: string, poolSize: number): Promise<StoreTarget> {
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      poolSize,
      applicationName: 'bench-store',
      migrations: eventStoreMigrations('public'),
    });
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    return new StoreTarget(dataSource, new PostgresEventStore(dataSource));
  }

  async append(streamId: string, currentVersion: number, events: readonly BenchEvent[]): Promise<void> {
    await this.store.append(streamId, events, { expectedVersion: currentVersion });
  }

  async appendContended(streamId: string, event: BenchEvent): Promise<number> {
    // Read the version once; after a conflict the error carries the version to expect next.
    let version = await this.store.streamVersion(streamId);
    for (let retries = 0; ; retries++) {
      try {
        await this.store.append(streamId, [event], { expectedVersion: version });
        return retries;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        version = error.actual;
      }
    }
  }

  async readStream(streamId: string): Promise<number> {
    return (await this.store.readStream(streamId)).length;
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

  async analyze(): Promise<void> {
    await this.dataSource.query('VACUUM ANALYZE es_events, es_streams');
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
  }
}
