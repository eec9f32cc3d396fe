import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { MessageContext } from '../events/message-context';
import { EventStore } from '../store/event-store';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { DurableSaga } from './durable-saga.decorator';
import type { SagaCommandFailure, SagaContext } from './saga-context';
import { OnSagaCommandFailure, OnSagaDeadline, StartsSaga } from './saga-methods.decorator';

// Under tenancy a durable saga works for the tenant of the event that started or moved
// it: the commands it dispatches run for that tenant, those dispatched later (from a
// deadline, from a command's failure) too, so their events carry it and another
// tenant's streams stay out of their reach.

@DomainEvent('tenant-saga.project-opened')
class ProjectOpened {
  constructor(
    readonly projectId: string,
    /** A stream the saga tries to write to as well (another tenant's, in the test). */
    readonly intrude?: string,
  ) {}
}

class WriteNote {
  constructor(
    readonly projectId: string,
    readonly streamId: string,
  ) {}
}

/** What the handlers saw, fresh in each module. */
@Injectable()
class Seen {
  /** Stream id → the tenant its WriteNote ran for. */
  readonly tenants = new Map<string, string | undefined>();
  readonly failures: string[] = [];
  readonly deadlinePayloads: unknown[] = [];
}

@DurableSaga('tenant-saga-projects', { correlationKey: 'projectId' })
@Injectable()
class ProjectSaga {
  constructor(private readonly seen: Seen) {}

  @StartsSaga(ProjectOpened)
  opened({ data }: EventEnvelope<ProjectOpened>, saga: SagaContext): void {
    saga.dispatch(new WriteNote(data.projectId, `note-${data.projectId}`));
    if (data.intrude) saga.dispatch(new WriteNote(data.projectId, data.intrude));
    saga.schedule('remind', { afterMs: 1 }, { n: 1 });
  }

  @OnSagaDeadline('remind')
  remind(deadline: { payload: unknown }, saga: SagaContext): void {
    this.seen.deadlinePayloads.push(deadline.payload);
    saga.dispatch(new WriteNote(saga.correlation, `reminder-${saga.correlation}`));
  }

  @OnSagaCommandFailure(WriteNote)
  refused(failure: SagaCommandFailure<WriteNote>, saga: SagaContext): void {
    this.seen.failures.push(failure.code);
    saga.dispatch(new WriteNote(saga.correlation, `failure-${saga.correlation}`));
  }
}

@CommandHandler(WriteNote)
@Injectable()
class WriteNoteHandler implements ICommandHandler<WriteNote> {
  constructor(
    private readonly store: EventStore,
    private readonly context: MessageContext,
    private readonly seen: Seen,
  ) {}

  async execute({ projectId, streamId }: WriteNote): Promise<void> {
    this.seen.tenants.set(streamId, this.context.current()?.tenantId);
    await this.store.append(streamId, [{ type: 'tenant-saga.noted', data: { projectId } }]);
  }
}

describe.each(['memory', 'postgres'] as const)('durable sagas under tenancy (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let context: MessageContext;
  let seen: Seen;
  const run = <T>(tenantId: string | undefined, work: () => Promise<T>): Promise<T> =>
    context.run({ correlationId: randomUUID(), ...(tenantId ? { tenantId } : {}) }, work);
  /** The stream's events, read without a tenant (all tenants'), once it has `count`. */
  const eventsOf = async (streamId: string, count = 1): Promise<EventEnvelope[]> => {
    let events: EventEnvelope[] = [];
    const found = await pollUntil(Date.now() + 10_000, async () => {
      events = await run(undefined, () => store.readStream(streamId));
      return events.length >= count;
    });
    if (!found) throw new Error(`${streamId} has ${events.length} events, not ${count}`);
    return events;
  };

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'saga_tenancy') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          tenancy: true,
          subscriptions: { pollIntervalMs: 200, leaseRetryMs: 200, maxBackoffMs: 300 },
        }),
      ],
      providers: [Seen, ProjectSaga, WriteNoteHandler],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    context = moduleRef.get(MessageContext);
    seen = moduleRef.get(Seen);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await database?.drop();
  });

  it("dispatches every command of a saga started by a tenant's event for that tenant, and never into another's streams", async () => {
    const secret = `secret-${randomUUID()}`;
    await run('globex', () => store.append(secret, [{ type: 'tenant-saga.noted', data: { projectId: 'theirs' } }]));
    const projectId = randomUUID();
    await run('acme', () =>
      store.append(`project-${projectId}`, [
        { type: 'tenant-saga.project-opened', data: { projectId, intrude: secret } },
      ]),
    );
    // From the start, from the deadline, from the failure of the write to globex's stream.
    for (const prefix of ['note', 'reminder', 'failure']) {
      const [event] = await eventsOf(`${prefix}-${projectId}`);
      expect(event!.metadata.tenantId).toBe('acme');
      expect(seen.tenants.get(`${prefix}-${projectId}`)).toBe('acme');
    }
    expect(seen.tenants.get(secret)).toBe('acme');
    expect(seen.failures).toEqual(['ES_STREAM_NOT_FOUND']);
    const untouched = await run(undefined, () => store.readStream(secret));
    expect(untouched.map((e) => e.metadata.tenantId)).toEqual(['globex']);
    // The deadline's method gets its payload as scheduled: the stored tenant stays out of it.
    expect(seen.deadlinePayloads).toEqual([{ n: 1 }]);
  });

  it("keeps each tenant's saga to its own tenant", async () => {
    const [ours, theirs] = [randomUUID(), randomUUID()];
    await run('acme', () =>
      store.append(`project-${ours}`, [{ type: 'tenant-saga.project-opened', data: { projectId: ours } }]),
    );
    await run('globex', () =>
      store.append(`project-${theirs}`, [{ type: 'tenant-saga.project-opened', data: { projectId: theirs } }]),
    );
    expect((await eventsOf(`reminder-${ours}`))[0]!.metadata.tenantId).toBe('acme');
    expect((await eventsOf(`reminder-${theirs}`))[0]!.metadata.tenantId).toBe('globex');
    expect((await eventsOf(`note-${theirs}`))[0]!.metadata.tenantId).toBe('globex');
  });
});
