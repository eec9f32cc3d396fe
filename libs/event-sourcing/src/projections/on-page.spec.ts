import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource, Entity, PrimaryColumn } from 'typeorm';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { ConfigurationError } from '../errors/configuration-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { EventStore } from '../store/event-store';
import { On } from '../subscriptions/on.decorator';
import { Subscriptions } from '../subscriptions/subscriptions';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { OnPage } from './on-page.decorator';
import type { ProjectionContext } from './projection-context';
import { Projection } from './projection.decorator';

// A projection that takes whole pages: its writes commit with the checkpoint, exactly
// once; a page that fails is applied event by event, so only the bad event is parked.

@DomainEvent('page.counted')
class Counted {
  constructor(
    readonly counter: string,
    readonly by: number,
  ) {}
}

@DomainEvent('page.named')
class Named {
  constructor(
    readonly counter: string,
    readonly name: string,
  ) {}
}

@Entity('page_counters')
class PageCounter {
  @PrimaryColumn()
  counter!: string;
}

/** What the pages looked like, and the poison amount. */
@Injectable()
class PageLog {
  readonly sizes: number[] = [];
  readonly orders: string[][] = [];
  poison = -1;
}

@Projection('page-counters', { readModels: [PageCounter], maxAttempts: 2, retryBackoffMs: 5, onFailure: 'skip' })
@Injectable()
class CountersByPage {
  constructor(private readonly log: PageLog) {}

  @OnPage(Counted, Named)
  async apply(events: EventEnvelope<Counted | Named>[], { manager }: ProjectionContext): Promise<void> {
    this.log.sizes.push(events.length);
    this.log.orders.push(events.map((e) => `${e.type}:${e.version}`));
    if (events.some((e) => e.data instanceof Counted && e.data.by === this.log.poison)) {
      throw new Error(`a count by ${this.log.poison} is refused`);
    }
    const counts = events.filter((e): e is EventEnvelope<Counted> => e.data instanceof Counted);
    // One statement for the whole page, as a page projection is meant to write.
    await manager.query(
      `INSERT INTO page_totals (counter, total, counts)
       SELECT counter, sum(by), count(*) FROM unnest($1::text[], $2::bigint[]) AS e(counter, by) GROUP BY counter
       ON CONFLICT (counter) DO UPDATE SET total = page_totals.total + excluded.total, counts = page_totals.counts + excluded.counts`,
      [counts.map((e) => e.data.counter), counts.map((e) => e.data.by)],
    );
  }
}

@Projection('page-mixed')
@Injectable()
class Mixed {
  @OnPage(Counted)
  page(): void {}

  @On(Named)
  named(): void {}
}

describe('@OnPage projections on PostgreSQL', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let logs: CapturedLogs;

  const boot = async (): Promise<void> => {
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({
          database: database.url,
          batchSize: 100,
          subscriptions: { pollIntervalMs: 200, maxBackoffMs: 300 },
          typeorm: { entities: [PageCounter] },
        }),
      ],
      providers: [PageLog, CountersByPage],
    }).compile();
    logs = captureLogs();
    await moduleRef.init();
    await moduleRef
      .get(DataSource)
      .query(
        'CREATE TABLE IF NOT EXISTS page_totals (counter text PRIMARY KEY, total bigint NOT NULL, counts int NOT NULL)',
      );
  };

  beforeEach(async () => {
    database = await createTestDatabase('postgres', 'on_page');
  });
  afterEach(async () => {
    await moduleRef?.close();
    await database.drop();
    logs?.restore();
  });

  /**
   * Waits until `readAll` sees all `count` events of the paused subscriber. A transaction
   * open elsewhere on the shared server (any database) hides the events committed after it
   * began, so without this wait the first page could hold only the ones before it.
   */
  const untilAllVisible = async (count: number): Promise<void> => {
    const store = moduleRef.get(EventStore);
    const visible = async () => (await store.readAll({ limit: count + 1 })).events.length === count;
    expect(await pollUntil(Date.now() + 30_000, visible)).toBe(true);
  };

  const totals = async () =>
    moduleRef
      .get(DataSource)
      .query<{ counter: string; total: string; counts: number }[]>('SELECT * FROM page_totals ORDER BY counter');

  it('takes the events in pages, in the store order, and writes each exactly once', async () => {
    await boot();
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.pause('page-counters');
    const store = moduleRef.get(EventStore);
    for (let i = 0; i < 250; i++) {
      await store.append(`counter-c${i % 3}`, [
        { type: 'page.counted', data: { counter: `c${i % 3}`, by: i } },
        ...(i % 50 === 0 ? [{ type: 'page.named', data: { counter: `c${i % 3}`, name: `n${i}` } }] : []),
      ]);
    }
    await untilAllVisible(255);
    await subscriptions.resume('page-counters');
    await subscriptions.waitUntilCaughtUp(['page-counters'], { timeoutMs: 10_000 });

    const log = moduleRef.get(PageLog);
    // 255 events in pages of at most 100: a few calls, not 255.
    expect(log.sizes.reduce((a, b) => a + b, 0)).toBe(255);
    expect(Math.max(...log.sizes)).toBe(100);
    expect(log.sizes.length).toBeLessThanOrEqual(4);
    expect(log.orders[0]!.slice(0, 3)).toEqual(['page.counted:1', 'page.named:2', 'page.counted:1']);
    const expected = [0, 1, 2].map((k) => {
      const bys = Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 3 === k);
      return { counter: `c${k}`, total: String(bys.reduce((a, b) => a + b, 0)), counts: bys.length };
    });
    expect(await totals()).toEqual(expected);
  });

  it('applies a failing page event by event: the others land once, the bad one is parked', async () => {
    await boot();
    const log = moduleRef.get(PageLog);
    log.poison = 7;
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.pause('page-counters');
    const store = moduleRef.get(EventStore);
    for (const by of [1, 2, 7, 3, 4])
      await store.append('counter-x', [{ type: 'page.counted', data: { counter: 'x', by } }]);
    await untilAllVisible(5);
    await subscriptions.resume('page-counters');
    expect(
      await pollUntil(Date.now() + 10_000, async () => (await subscriptions.parked('page-counters')).length === 1),
    ).toBe(true);
    await subscriptions.waitUntilCaughtUp(['page-counters'], { timeoutMs: 10_000 });
    expect(await totals()).toEqual([{ counter: 'x', total: '10', counts: 4 }]);
    expect((await subscriptions.parked('page-counters'))[0]).toMatchObject({ version: 3, attempts: 2 });
    // The whole page, then pages of one up to the poison, the poison's retry, then the rest as a page.
    expect(log.sizes).toEqual([5, 1, 1, 1, 1, 2]);
    expect(logs.at('error')).toEqual([expect.stringContaining('a count by 7 is refused')]);
  });
});

describe('@OnPage declarations', () => {
  it('refuses a projection with both @OnPage and @On methods', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: 'memory' })],
      providers: [Mixed],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      new ConfigurationError('Mixed has both @OnPage and @On methods: take every event in the @OnPage one.'),
    );
    await moduleRef.close();
  });

  it('refuses an @OnPage that names no event class, and a second one', () => {
    expect(() => OnPage()({}, 'apply', {})).toThrow('@OnPage on Object.apply names no event class');
    class Twice {}
    OnPage(Counted)(Twice.prototype, 'a', {});
    expect(() => OnPage(Counted)(Twice.prototype, 'b', {})).toThrow('Twice has two @OnPage methods');
  });
});
