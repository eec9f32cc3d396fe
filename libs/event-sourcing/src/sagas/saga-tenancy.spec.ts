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
import { OnSagaCommandFailure, OnSagaDeadline, SagaEventHandler, StartsSaga } from './saga-methods.decorator';
import { Sagas } from './sagas';

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

// An instance is its tenant's: two tenants' events with one order id start two
// instances, and each is moved and ended by its own tenant's events only.

@DomainEvent('tenant-saga.order-placed')
class OrderPlaced {
  constructor(
    readonly orderId: string,
    /** Names the note streams of this instance, so a test sees which instance moved. */
    readonly label: string,
  ) {}
}

@DomainEvent('tenant-saga.order-paid')
class OrderPaid {
  constructor(readonly orderId: string) {}
}

@DomainEvent('tenant-saga.order-closed')
class OrderClosed {
  constructor(readonly orderId: string) {}
}

interface OrderState {
  label: string;
  payments: number;
}

@DurableSaga('tenant-saga-orders', { correlationKey: 'orderId' })
@Injectable()
class OrderSaga {
  @StartsSaga(OrderPlaced)
  placed({ data }: EventEnvelope<OrderPlaced>, saga: SagaContext<OrderState>): void {
    saga.state = { label: data.label, payments: 0 };
    saga.dispatch(new WriteNote(data.orderId, `${data.label}-placed`));
  }

  @SagaEventHandler(OrderPaid)
  paid({ data }: EventEnvelope<OrderPaid>, saga: SagaContext<OrderState>): void {
    saga.state = { ...saga.state, payments: saga.state.payments + 1 };
    saga.dispatch(new WriteNote(data.orderId, `${saga.state.label}-paid-${saga.state.payments}`));
  }

  @SagaEventHandler(OrderClosed)
  closed(_event: EventEnvelope<OrderClosed>, saga: SagaContext<OrderState>): void {
    saga.complete(`closed ${saga.state.label}`);
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
  let sagas: Sagas;
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
      providers: [Seen, ProjectSaga, OrderSaga, WriteNoteHandler],
    }).compile();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    context = moduleRef.get(MessageContext);
    seen = moduleRef.get(Seen);
    sagas = moduleRef.get(Sagas);
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

  describe('instances per tenant', () => {
    const ORDERS = 'tenant-saga-orders';
    const place = (tenant: string | undefined, orderId: string, label: string): Promise<unknown> =>
      run(tenant, () =>
        store.append(`order-${label}`, [{ type: 'tenant-saga.order-placed', data: { orderId, label } }]),
      );
    const move = (tenant: string | undefined, label: string, type: string, orderId: string): Promise<unknown> =>
      run(tenant, () => store.append(`order-${label}`, [{ type: `tenant-saga.order-${type}`, data: { orderId } }]));
    const instanceOf = (tenantId: string | undefined, orderId: string) =>
      sagas.findByCorrelation(ORDERS, orderId, tenantId === undefined ? {} : { tenantId });
    /** The instance, once `done` holds of it. */
    const awaitInstance = async (
      tenantId: string | undefined,
      orderId: string,
      done: (state: { status: string; payments: number }) => boolean,
    ) => {
      let found: Awaited<ReturnType<typeof instanceOf>>;
      const ok = await pollUntil(Date.now() + 10_000, async () => {
        found = await instanceOf(tenantId, orderId);
        return !!found && done({ status: found.status, payments: Number(found.state.payments) });
      });
      if (!ok) throw new Error(`${tenantId ?? 'untenanted'} ${orderId}: ${JSON.stringify(found!)}`);
      return found!;
    };

    it("starts one instance per tenant for one correlation value, each moved and ended by its own tenant's events only", async () => {
      const orderId = randomUUID();
      const [a, g] = [`a-${orderId}`, `g-${orderId}`];
      await place('acme', orderId, a);
      await place('globex', orderId, g);
      const [acmeNote] = await eventsOf(`${a}-placed`);
      const [globexNote] = await eventsOf(`${g}-placed`);
      expect(acmeNote!.metadata.tenantId).toBe('acme');
      expect(globexNote!.metadata.tenantId).toBe('globex');
      const acme = await instanceOf('acme', orderId);
      const globex = await instanceOf('globex', orderId);
      expect(acme).toMatchObject({ tenantId: 'acme', correlation: orderId, state: { label: a, payments: 0 } });
      expect(globex).toMatchObject({ tenantId: 'globex', correlation: orderId, state: { label: g, payments: 0 } });
      expect(acme!.sagaId).not.toBe(globex!.sagaId);
      // No untenanted instance was started by either.
      expect(await instanceOf(undefined, orderId)).toBeUndefined();

      // acme's payment moves acme's instance, and dispatches for acme.
      await move('acme', a, 'paid', orderId);
      const [paid] = await eventsOf(`${a}-paid-1`);
      expect(paid!.metadata.tenantId).toBe('acme');
      expect(seen.tenants.get(`${a}-paid-1`)).toBe('acme');
      expect((await awaitInstance('acme', orderId, (s) => s.payments === 1)).version).toBe(acme!.version + 1);
      // globex's close ends globex's instance only.
      await move('globex', g, 'closed', orderId);
      const closed = await awaitInstance('globex', orderId, (s) => s.status === 'completed');
      expect(closed).toMatchObject({ reason: `closed ${g}`, state: { payments: 0 } });
      expect(await instanceOf('acme', orderId)).toMatchObject({ status: 'active', state: { payments: 1 } });
      // acme's instance goes on; the ended globex one stays as it ended.
      await move('acme', a, 'paid', orderId);
      expect((await eventsOf(`${a}-paid-2`))[0]!.metadata.tenantId).toBe('acme');
      await move('globex', g, 'paid', orderId);
      await move('acme', a, 'closed', orderId);
      expect(await awaitInstance('acme', orderId, (s) => s.status === 'completed')).toMatchObject({
        reason: `closed ${a}`,
        state: { payments: 2 },
      });
      expect(await instanceOf('globex', orderId)).toMatchObject({ status: 'completed', state: { payments: 0 } });
      expect(seen.tenants.has(`${g}-paid-1`)).toBe(false);
    });

    it('keeps untenanted events to untenanted instances, and shows each tenant only its own', async () => {
      const orderId = randomUUID();
      const [a, n] = [`a-${orderId}`, `n-${orderId}`];
      await place('acme', orderId, a);
      await place(undefined, orderId, n);
      expect((await eventsOf(`${n}-placed`))[0]!.metadata.tenantId).toBeUndefined();
      await eventsOf(`${a}-placed`);
      await move(undefined, n, 'paid', orderId);
      const untenanted = await awaitInstance(undefined, orderId, (s) => s.payments === 1);
      expect(untenanted.tenantId).toBeUndefined();
      expect(untenanted.state.label).toBe(n);
      expect(seen.tenants.get(`${n}-paid-1`)).toBeUndefined();
      const acme = (await instanceOf('acme', orderId))!;
      expect(acme.state).toEqual({ label: a, payments: 0 });

      // Without a tenant (an operator): every tenant's instances, or one tenant's.
      const mine = <T extends { correlation: string }>(list: T[]): T[] => list.filter((s) => s.correlation === orderId);
      expect(mine(await sagas.list(ORDERS, { limit: 1000 })).map((s) => s.tenantId)).toEqual([undefined, 'acme']);
      expect(mine(await sagas.list(ORDERS, { tenantId: 'acme', limit: 1000 })).map((s) => s.sagaId)).toEqual([
        acme.sagaId,
      ]);
      expect(mine(await sagas.list(ORDERS, { tenantId: '', limit: 1000 })).map((s) => s.sagaId)).toEqual([
        untenanted.sagaId,
      ]);
      expect((await sagas.get(ORDERS, acme.sagaId))?.tenantId).toBe('acme');
      // For a tenant: its own instance only, never another's, whatever it asks for.
      expect((await run('acme', () => sagas.findByCorrelation(ORDERS, orderId)))?.sagaId).toBe(acme.sagaId);
      expect(await run('globex', () => sagas.findByCorrelation(ORDERS, orderId))).toBeUndefined();
      expect(await run('globex', () => sagas.findByCorrelation(ORDERS, orderId, { tenantId: 'acme' }))).toBeUndefined();
      expect(await run('globex', () => sagas.get(ORDERS, acme.sagaId))).toBeUndefined();
      expect(await run('globex', () => sagas.get(ORDERS, untenanted.sagaId))).toBeUndefined();
      expect(mine(await run('acme', () => sagas.list(ORDERS, { limit: 1000 }))).map((s) => s.sagaId)).toEqual([
        acme.sagaId,
      ]);
      expect(await run('acme', () => sagas.list(ORDERS, { tenantId: '', limit: 1000 }))).toEqual([]);
    });
  });
});
