import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Client } from 'pg';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import type { ProjectionContext } from '../projections/projection-context';
import { Projection, type ProjectionReset } from '../projections/projection.decorator';
import { EventStore } from '../store/event-store';
import type { EntityManager } from 'typeorm';
import { On } from './on.decorator';
import { Subscriptions } from './subscriptions';
import { pollUntil } from './wait-for-cursor';

// Instances sharing the partitions of a subscriber, on PostgreSQL: two application
// modules in this process, each with its own subscription connection and heartbeat (the
// test of separate processes killed outright is test/partitions-kill.e2e-spec.ts).

@DomainEvent('sharing.counted')
class Counted {
  constructor(readonly by: number) {}
}

/** Writes one row per event: the primary key refuses a second application. */
async function applyRow(manager: EntityManager, table: string, event: EventEnvelope<Counted>): Promise<void> {
  await manager.query(`INSERT INTO ${table} (event_id, stream_id, version, by) VALUES ($1, $2, $3, $4)`, [
    event.eventId,
    event.streamId,
    event.version,
    event.data.by,
  ]);
}

/** One row per event in its table: the primary key refuses a second application. */
abstract class RowsProjection implements ProjectionReset {
  protected abstract readonly table: string;

  @On(Counted)
  async counted(event: EventEnvelope<Counted>, { manager }: ProjectionContext): Promise<void> {
    await applyRow(manager, this.table, event);
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM ${this.table}`);
  }
}

@Projection('shared-counters', { partitions: 4, batchSize: 5 })
@Injectable()
class SharedCounters extends RowsProjection {
  protected readonly table = 'shared_rows';
}

@Projection('layout-counters')
@Injectable()
class OnePartition extends RowsProjection {
  protected readonly table = 'layout_rows';
}

@Projection('layout-counters', { partitions: 3 })
@Injectable()
class ThreePartitions extends OnePartition {}

const SETTINGS = { pollIntervalMs: 200, leaseRetryMs: 100, heartbeatMs: 100, instanceTimeoutMs: 1_000 };

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  if (!(await pollUntil(Date.now() + timeoutMs, check))) throw new Error(`timed out waiting: ${what}`);
}

describe('partitions shared among instances (PostgreSQL)', () => {
  let database: TestDatabase;
  let client: Client;
  let logs: CapturedLogs | undefined;
  const apps: TestingModule[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres', 'sharing');
    client = new Client({ connectionString: database.url });
    await client.connect();
    for (const table of ['shared_rows', 'layout_rows']) {
      await client.query(
        `CREATE TABLE ${table} (event_id uuid PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, by int NOT NULL)`,
      );
    }
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    logs?.restore();
    logs = undefined;
  });

  async function start(providers: unknown[]): Promise<TestingModule> {
    const app = await Test.createTestingModule({
      imports: [EventSourcingModule.forRoot({ database: database.url, subscriptions: SETTINGS })],
      providers: providers as never[],
    }).compile();
    // Nest's testing logger is installed by compile: the lines of the last app started.
    logs?.restore();
    logs = captureLogs();
    await app.init();
    apps.push(app);
    return app;
  }

  async function owners(app: TestingModule): Promise<(string | undefined)[]> {
    const status = await app.get(Subscriptions).statusOf('shared-counters');
    return status.partitions!.map((p) => p.instance?.id);
  }

  async function append(app: TestingModule, streams: number, rounds: number): Promise<void> {
    const store = app.get(EventStore);
    for (let round = 1; round <= rounds; round++) {
      for (let s = 0; s < streams; s++) {
        await store.append(`counter-${s}`, [{ type: 'sharing.counted', data: { by: round } }]);
      }
    }
  }

  it('shares 4 partitions 2 and 2 between two instances, and one takes all when the other stops', async () => {
    const first = await start([SharedCounters]);
    await until('the first instance takes every partition', async () => {
      const ids = await owners(first);
      return ids.every((id) => id !== undefined) && new Set(ids).size === 1;
    });
    const second = await start([SharedCounters]);
    await until('the partitions are shared 2 and 2', async () => {
      const ids = await owners(first);
      const counts = [...new Set(ids)].map((id) => ids.filter((x) => x === id).length);
      return ids.every((id) => id !== undefined) && counts.length === 2 && counts.every((n) => n === 2);
    });
    await append(first, 10, 6);
    await first.get(Subscriptions).waitUntilCaughtUp(['shared-counters'], { timeoutMs: 15_000 });

    await first.close();
    apps.splice(apps.indexOf(first), 1);
    await until('the second instance takes every partition', async () => {
      const ids = await owners(second);
      return ids.every((id) => id !== undefined) && new Set(ids).size === 1;
    });
    await append(second, 10, 2);
    await second.get(Subscriptions).waitUntilCaughtUp(['shared-counters'], { timeoutMs: 15_000 });

    const rows = await client.query<{ n: string; streams: string; max: number }>(
      'SELECT count(*) AS n, count(DISTINCT stream_id) AS streams, max(version) AS max FROM shared_rows',
    );
    expect(rows.rows[0]).toEqual({ n: '80', streams: '10', max: 8 });
    const status = await second.get(Subscriptions).statusOf('shared-counters');
    expect(status).toMatchObject({ state: 'caught-up', lag: 0 });
    expect(status.partitions).toHaveLength(4);
  });

  it('rebuilds a projection whose number of partitions changed, applying each event once', async () => {
    const before = await start([OnePartition]);
    await append(before, 6, 3);
    await before.get(Subscriptions).waitUntilCaughtUp(['layout-counters'], { timeoutMs: 15_000 });
    await before.close();
    apps.splice(0);

    const after = await start([ThreePartitions]);
    await after.get(Subscriptions).waitUntilCaughtUp(['layout-counters'], { timeoutMs: 15_000 });
    // Every event of the store (the first test's too) once: the key refuses a second time.
    const rows = await client.query<{ n: string; events: string }>(
      'SELECT (SELECT count(*) FROM layout_rows) AS n, (SELECT count(*) FROM es_events) AS events',
    );
    expect(rows.rows[0]!.n).toBe(rows.rows[0]!.events);
    const keys = await client.query<{ subscriber: string }>(
      `SELECT subscriber FROM es_checkpoints WHERE subscriber LIKE 'layout-counters%' ORDER BY subscriber`,
    );
    expect(keys.rows.map((r) => r.subscriber)).toEqual([
      'layout-counters#0/3',
      'layout-counters#1/3',
      'layout-counters#2/3',
    ]);
    expect(logs!.lines.map((l) => l.text).join('\n')).toMatch(
      /layout-counters: now in 3 partition\(s\); its read models are reset and rebuilt/,
    );
  });
});
