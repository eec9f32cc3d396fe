import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, DataSource, Entity, PrimaryColumn, Repository } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { ConfigurationError } from './errors/configuration-error';
import { EventSourcingModule } from './event-sourcing.module';
import { EventStoreHealthIndicator } from './health/event-store-health-indicator';
import { EventStore } from './store/event-store';
import { InMemoryEventStore } from './store/in-memory/in-memory-event-store';
import { PostgresEventStore } from './store/postgres/postgres-event-store';

@Entity('account_balances')
class AccountBalance {
  @PrimaryColumn()
  id!: string;

  @Column('integer')
  balance!: number;
}

@Injectable()
class Balances {
  constructor(@InjectRepository(AccountBalance) readonly repository: Repository<AccountBalance>) {}
}

@Module({ imports: [TypeOrmModule.forFeature([AccountBalance])], providers: [Balances], exports: [Balances] })
class BalancesModule {}

@Injectable()
class Settings {
  readonly url: string;
  constructor() {
    this.url = process.env.ES_MODULE_SPEC_URL!;
  }
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

describe('EventSourcingModule', () => {
  let database: TestDatabase;
  const opened: TestingModule[] = [];

  const boot = async (...imports: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>) => {
    const moduleRef = await Test.createTestingModule({ imports }).compile();
    await moduleRef.init();
    opened.push(moduleRef);
    return moduleRef;
  };

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'module');
    process.env.ES_MODULE_SPEC_URL = database.url;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((moduleRef) => moduleRef.close()));
  });

  afterAll(async () => {
    await database.drop();
  });

  it('forRoot with a URL migrates the database and injects a PostgreSQL store that works', async () => {
    const moduleRef = await boot(EventSourcingModule.forRoot({ database: database.url }));
    const store = moduleRef.get(EventStore);
    expect(store).toBeInstanceOf(PostgresEventStore);
    await store.append('module-1', [{ type: 'module.tested', data: { ok: true } }]);
    expect(await store.readStream('module-1')).toMatchObject([{ data: { ok: true } }]);
  });

  it('forRootAsync takes imports and injected providers, and names connections with applicationName', async () => {
    const moduleRef = await boot(
      EventSourcingModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ database: settings.url, applicationName: 'module-spec-async' }),
      }),
    );
    const dataSource = moduleRef.get(DataSource);
    const rows = await dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'module-spec-async'`,
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });

  it("shares the connection with the user's own TypeORM read-model entities", async () => {
    const moduleRef = await boot(
      EventSourcingModule.forRoot({ database: database.url, typeorm: { synchronize: true } }),
      BalancesModule,
    );
    const balances = moduleRef.get(Balances).repository;
    await balances.save({ id: 'a-1', balance: 42 });
    expect(await balances.findOneByOrFail({ id: 'a-1' })).toEqual({ id: 'a-1', balance: 42 });
    const store = moduleRef.get(EventStore);
    await expect(store.append('module-2', [{ type: 'module.tested', data: {} }])).resolves.toMatchObject({
      streamVersion: 1,
    });
  });

  it('keeps the store in the configured schema', async () => {
    const moduleRef = await boot(EventSourcingModule.forRoot({ database: database.url, schema: 'events_elsewhere' }));
    await moduleRef.get(EventStore).append('module-3', [{ type: 'module.tested', data: {} }]);
    const rows = await moduleRef
      .get(DataSource)
      .query<{ n: string }[]>('SELECT count(*) AS n FROM events_elsewhere.es_events');
    expect(rows[0]!.n).toBe('1');
  });

  it('keeps the correlation-id index only when asked, and builds it again whenever a start asks and it is unusable', async () => {
    const indexState = async (moduleRef: TestingModule, schema: string): Promise<'valid' | 'invalid' | 'absent'> => {
      const rows = await moduleRef.get(DataSource).query<{ valid: boolean }[]>(
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = 'es_events_correlation_idx'`,
        [schema],
      );
      return rows.length === 0 ? 'absent' : rows[0]!.valid ? 'valid' : 'invalid';
    };
    const start = (correlationIdIndex?: boolean): Promise<TestingModule> =>
      boot(EventSourcingModule.forRoot({ database: database.url, schema: 'corr_later', correlationIdIndex }));
    const stop = async (moduleRef: TestingModule): Promise<void> => {
      opened.splice(opened.indexOf(moduleRef), 1);
      await moduleRef.close();
    };

    const plain = await start();
    expect(await indexState(plain, 'corr_later')).toBe('absent');
    await stop(plain);

    const asked = await start(true);
    expect(await indexState(asked, 'corr_later')).toBe('valid');
    // A build that failed leaves an index queries cannot use.
    await asked
      .get(DataSource)
      .query(
        `UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'corr_later.es_events_correlation_idx'::regclass`,
      );
    await stop(asked);

    const again = await start(true);
    expect(await indexState(again, 'corr_later')).toBe('valid');
    await stop(again);

    // Turned off, the index stays (the operator drops it; the module warns), and a new
    // store that wants it keeps the one its first migration made.
    const off = await start(false);
    expect(await indexState(off, 'corr_later')).toBe('valid');
    const fresh = await boot(
      EventSourcingModule.forRoot({ database: database.url, schema: 'corr_first', correlationIdIndex: true }),
    );
    expect(await indexState(fresh, 'corr_first')).toBe('valid');
  });

  it('lets several instances start at once on a new database, migrating it once', async () => {
    const fresh = await createTestDatabase('postgres', 'module_race');
    try {
      const instances = await Promise.all(
        Array.from({ length: 4 }, () => boot(EventSourcingModule.forRoot({ database: fresh.url, schema: 'race' }))),
      );
      const rows = await instances[0]!
        .get(DataSource)
        .query<{ name: string }[]>(`SELECT name FROM migrations WHERE name LIKE 'EventStoreInitial_race%'`);
      expect(rows).toHaveLength(1);
      await Promise.all(
        instances.map((i) => i.get(EventStore).append(`race-${Math.random()}`, [{ type: 't', data: 1 }])),
      );
    } finally {
      await Promise.all(opened.splice(0).map((moduleRef) => moduleRef.close()));
      await fresh.drop();
    }
  });

  it("uses the in-memory store with database 'memory'", async () => {
    const moduleRef = await boot(EventSourcingModule.forRoot({ database: 'memory' }));
    expect(moduleRef.get(EventStore)).toBeInstanceOf(InMemoryEventStore);
    expect(await moduleRef.get(EventStoreHealthIndicator).isHealthy()).toEqual({
      database: { status: 'up', database: 'memory' },
    });
  });

  it('reports the database as up, with its kind, through the health indicator', async () => {
    const moduleRef = await boot(EventSourcingModule.forRoot({ database: database.url }));
    const result = await moduleRef.get(EventStoreHealthIndicator).isHealthy('db');
    expect(result.db).toMatchObject({ status: 'up', database: expect.stringContaining('es_module_') });
  });

  it('fails at bootstrap with ES_CONFIGURATION for a database it cannot use', async () => {
    const attempt = Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: 'mysql://somewhere/db' })],
    }).compile();
    await expect(attempt).rejects.toThrow(ConfigurationError);
    await expect(attempt).rejects.toMatchObject({ code: 'ES_CONFIGURATION' });
  });

  it.each([0, -1, 2.5, Number.NaN])(
    'fails at bootstrap with ES_CONFIGURATION for appendsInFlight %p',
    async (value) => {
      const attempt = Test.createTestingModule({
        imports: [EventSourcingModule.forRoot({ database: 'memory', appendsInFlight: value })],
      }).compile();
      await expect(attempt).rejects.toMatchObject({
        code: 'ES_CONFIGURATION',
        message: expect.stringContaining('appendsInFlight must be a whole number >= 1 or Infinity'),
      });
    },
  );

  it('fails at bootstrap with ES_CONFIGURATION for a correlationIdIndex that is not a boolean', async () => {
    const attempt = Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: 'memory', correlationIdIndex: 'yes' as never })],
    }).compile();
    await expect(attempt).rejects.toMatchObject({
      code: 'ES_CONFIGURATION',
      message: expect.stringContaining('correlationIdIndex must be true or false'),
    });
  });
});
