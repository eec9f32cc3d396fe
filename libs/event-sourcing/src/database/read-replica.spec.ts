import { Test, type TestingModule } from '@nestjs/testing';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { ConfigurationError } from '../errors/configuration-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventSourcingModuleOptions } from '../options/event-sourcing-options';
import { EventStore } from '../store/event-store';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { ReadReplica } from './read-replica';

// The read replica option against second connections: to another database standing in
// for a replica that has not caught up (so that where each read went shows), and to the
// same database under another application_name. No streaming replica runs here.

@DomainEvent('replica.noted')
class Noted {
  constructor(readonly text: string) {}
}

describe('readReplica', () => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let logs: CapturedLogs | undefined;
  const apps: TestingModule[] = [];

  beforeAll(async () => {
    [primary, replica] = await Promise.all([
      createTestDatabase('postgres', 'replica_primary'),
      createTestDatabase('postgres', 'replica_copy'),
    ]);
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    logs?.restore();
  });

  afterAll(async () => {
    await Promise.all([primary.drop(), replica.drop()]);
  });

  async function start(options: EventSourcingModuleOptions): Promise<TestingModule> {
    const app = await Test.createTestingModule({
      imports: [EventSourcingModule.forRoot(options), EventSourcingModule.forFeature({ events: [Noted] })],
    }).compile();
    logs?.restore();
    logs = captureLogs();
    apps.push(app);
    await app.init();
    return app;
  }

  const note = (text: string) => ({ type: 'replica.noted', data: { text } });

  it('sends queryEvents to the replica, and stream descriptions, reads and appends to the primary', async () => {
    // The "replica": a database with one event of its own, which the primary never gets.
    const seeded = await start({ database: replica.url });
    await seeded.get(EventStore).append('note-old', [note('on the replica')]);
    await seeded.close();
    apps.splice(0);

    const app = await start({ database: primary.url, readReplica: { url: replica.url }, applicationName: 'routing' });
    const store = app.get(EventStore);
    await store.append('note-new', [note('on the primary')]);

    expect((await store.queryEvents({})).map((e) => e.streamId)).toEqual(['note-old']);
    // A soft delete or restore decides on describeStream: it reads the primary.
    expect(await store.describeStream('note-new')).toMatchObject({ version: 1 });
    expect(await store.describeStream('note-old')).toBeUndefined();
    // Stream reads (what aggregates load) and the global order (subscribers) stay on the primary.
    expect((await store.readStream('note-new')).map((e) => e.data)).toEqual([new Noted('on the primary')]);
    // readAll waits for any transaction open on the shared server (its horizon): poll for it.
    let global = await store.readAll();
    await pollUntil(Date.now() + 30_000, async () => (global = await store.readAll()).events.length > 0);
    expect(global.events.map((e) => e.streamId)).toEqual(['note-new']);

    const source = app.get(ReadReplica).dataSource!;
    const [who] = await source.query<{ db: string; app: string }[]>(
      'SELECT current_database() AS db, current_setting($1) AS app',
      ['application_name'],
    );
    expect(who).toEqual({ db: new URL(replica.url).pathname.slice(1), app: 'routing:replica' });
  });

  it('reads on a second connection when the replica is the same database: answers match the primary', async () => {
    const app = await start({ database: primary.url, readReplica: { url: primary.url, poolSize: 2 } });
    const store = app.get(EventStore);
    const { position } = await store.append('note-same', [note('seen on both')]);
    const viaReplica = await store.queryEvents({ streams: ['note-same'] });
    expect(viaReplica.map((e) => e.position)).toEqual([position]);
    expect(app.get(ReadReplica).dataSource?.isInitialized).toBe(true);
  });

  it('refuses a replica that is not a postgres:// URL at boot, and has none by default', async () => {
    await expect(start({ database: primary.url, readReplica: { url: 'mysql://elsewhere/db' } })).rejects.toThrow(
      ConfigurationError,
    );
    apps.splice(0);
    const app = await start({ database: primary.url });
    expect(app.get(ReadReplica).dataSource).toBeUndefined();
  });
});
