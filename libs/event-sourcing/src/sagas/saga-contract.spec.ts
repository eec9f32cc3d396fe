import { Injectable } from '@nestjs/common';
import { CommandHandler, CqrsModule, type ICommandHandler } from '@nestjs/cqrs';
import { Test, type TestingModule } from '@nestjs/testing';
import { captureLogs, type CapturedLogs } from '../../../../test/support/captured-logs';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { DomainError } from '../errors/domain-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { EventStore } from '../store/event-store';
import { pollUntil } from '../subscriptions/wait-for-cursor';
import { DurableSaga } from './durable-saga.decorator';
import type { SagaCommandFailure, SagaContext } from './saga-context';
import { OnSagaCommandFailure, OnSagaDeadline, SagaEventHandler, StartsSaga } from './saga-methods.decorator';
import { Sagas, type SagaInstanceDetails } from './sagas';

// One contract for durable sagas, run on PostgreSQL and on `database: 'memory'`: steps
// started and moved by events, commands through the CommandBus, deadlines, failures of
// commands, and a step that throws being undone whole.

@DomainEvent('saga-contract.order-placed')
class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly amount: number,
  ) {}
}

@DomainEvent('saga-contract.payment-taken')
class PaymentTaken {
  constructor(readonly orderId: string) {}
}

@DomainEvent('saga-contract.order-shipped')
class OrderShipped {
  constructor(readonly orderId: string) {}
}

class TakePayment {
  constructor(
    readonly orderId: string,
    readonly amount: number,
  ) {}
}

class ShipOrder {
  constructor(readonly orderId: string) {}
}

class PaymentLimitError extends DomainError {
  constructor(readonly amount: number) {
    super('payment-limit', `A payment of ${amount} is over the limit.`);
  }
}

/** The test's knobs and what the handlers saw: a provider, fresh in each module. */
@Injectable()
class OrderState {
  /** Payments over this are refused for good. */
  limit = 1_000;
  /** Payments of this amount are taken but never confirmed: the deadline fires. */
  silentAmount = 777;
  /** Orders whose start throws once, after dispatching. */
  readonly throwOnce = new Set<string>();
  paymentMs = 60_000;
  readonly executed: string[] = [];
  readonly timedOut: string[] = [];
}

@DurableSaga('saga-contract-orders', { correlationKey: 'orderId', maxAttempts: 5, retryBackoffMs: 5 })
@Injectable()
class OrderSaga {
  constructor(private readonly knobs: OrderState) {}

  @StartsSaga(OrderPlaced)
  placed({ data }: EventEnvelope<OrderPlaced>, saga: SagaContext<{ amount: number; step: string }>): void {
    saga.state = { amount: data.amount, step: 'paying' };
    saga.dispatch(new TakePayment(data.orderId, data.amount));
    saga.schedule('payment', { afterMs: this.knobs.paymentMs }, { amount: data.amount });
    if (this.knobs.throwOnce.delete(data.orderId)) throw new Error(`start of ${data.orderId} fails once`);
  }

  @SagaEventHandler(PaymentTaken)
  paid({ data }: EventEnvelope<PaymentTaken>, saga: SagaContext<{ amount: number; step: string }>): void {
    saga.cancel('payment');
    saga.state.step = 'shipping';
    saga.dispatch(new ShipOrder(data.orderId));
  }

  @SagaEventHandler(OrderShipped)
  shipped(_event: EventEnvelope<OrderShipped>, saga: SagaContext): void {
    saga.complete('shipped');
  }

  @OnSagaDeadline('payment')
  paymentLate(deadline: { payload: { amount: number } }, saga: SagaContext): void {
    this.knobs.timedOut.push(`${saga.correlation}:${deadline.payload.amount}`);
    saga.fail('payment timed out');
  }

  @OnSagaCommandFailure(TakePayment)
  paymentRefused(failure: SagaCommandFailure<TakePayment>, saga: SagaContext): void {
    saga.fail(`payment refused: ${failure.rule} (${failure.code})`);
  }
}

@CommandHandler(TakePayment)
@Injectable()
class TakePaymentHandler implements ICommandHandler<TakePayment> {
  constructor(
    private readonly store: EventStore,
    private readonly knobs: OrderState,
  ) {}

  async execute({ orderId, amount }: TakePayment): Promise<void> {
    this.knobs.executed.push(`pay:${orderId}`);
    if (amount > this.knobs.limit) throw new PaymentLimitError(amount);
    if (amount === this.knobs.silentAmount) return;
    await this.store.append(`payment-${orderId}`, [{ type: 'saga-contract.payment-taken', data: { orderId } }]);
  }
}

@CommandHandler(ShipOrder)
@Injectable()
class ShipOrderHandler implements ICommandHandler<ShipOrder> {
  constructor(
    private readonly store: EventStore,
    private readonly knobs: OrderState,
  ) {}

  async execute({ orderId }: ShipOrder): Promise<void> {
    this.knobs.executed.push(`ship:${orderId}`);
    await this.store.append(`shipment-${orderId}`, [{ type: 'saga-contract.order-shipped', data: { orderId } }]);
  }
}

const SAGA = 'saga-contract-orders';

describe.each([
  ['memory', 'database: memory'],
  ['postgres', 'PostgreSQL'],
] as const)('durable sagas (%s store)', (kind, title) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;
  let store: EventStore;
  let sagas: Sagas;
  let knobs: OrderState;
  let logs: CapturedLogs;
  let orders = 0;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'saga_contract') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        CqrsModule.forRoot(),
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          // Slow polls: the append signal and the steps' own kicks must move everything in time.
          subscriptions: { pollIntervalMs: kind === 'memory' ? 60_000 : 200, leaseRetryMs: 200, maxBackoffMs: 300 },
        }),
      ],
      providers: [OrderState, OrderSaga, TakePaymentHandler, ShipOrderHandler],
    }).compile();
    logs = captureLogs();
    await moduleRef.init();
    store = moduleRef.get(EventStore);
    sagas = moduleRef.get(Sagas);
    knobs = moduleRef.get(OrderState);
  });

  afterEach(async () => {
    await moduleRef.close();
    await database?.drop();
    logs.restore();
  });

  const place = async (amount: number): Promise<string> => {
    const orderId = `order-${++orders}`;
    await store.append(`order-${orderId}`, [{ type: 'saga-contract.order-placed', data: { orderId, amount } }]);
    return orderId;
  };
  const settled = async (orderId: string, timeoutMs = 5_000): Promise<SagaInstanceDetails> => {
    let found: SagaInstanceDetails | undefined;
    const ended = await pollUntil(Date.now() + timeoutMs, async () => {
      found = await sagas.findByCorrelation(SAGA, orderId);
      return found !== undefined && found.status !== 'active';
    });
    if (!ended) throw new Error(`saga of ${orderId} did not end: ${JSON.stringify(found)}`);
    return found!;
  };

  it(`${title}: runs an order to its end, each command dispatched once through the CommandBus`, async () => {
    const orderId = await place(100);
    const instance = await settled(orderId);
    expect(instance).toMatchObject({
      sagaType: SAGA,
      correlation: orderId,
      status: 'completed',
      reason: 'shipped',
      state: { amount: 100, step: 'shipping' },
      deadlines: [],
      pendingCommands: 0,
    });
    // Started, paid, shipped: three stored steps.
    expect(instance.version).toBe(3);
    expect(instance.endedAt).toBeInstanceOf(Date);
    expect(knobs.executed).toEqual([`pay:${orderId}`, `ship:${orderId}`]);
    expect(await sagas.get(SAGA, instance.sagaId)).toMatchObject({ status: 'completed' });
    expect((await sagas.list(SAGA, { status: 'completed' })).map((s) => s.correlation)).toEqual([orderId]);
    expect(await sagas.list(SAGA, { status: 'active' })).toEqual([]);
  });

  it(`${title}: keeps a deadline, and fires it when the event it waits for never comes`, async () => {
    knobs.paymentMs = 400;
    const orderId = await place(knobs.silentAmount);
    let waiting: SagaInstanceDetails | undefined;
    expect(
      await pollUntil(Date.now() + 5_000, async () => {
        waiting = await sagas.findByCorrelation(SAGA, orderId);
        return waiting !== undefined && knobs.executed.length === 1;
      }),
    ).toBe(true);
    expect(waiting).toMatchObject({ status: 'active', deadlines: [{ name: 'payment', dueAt: expect.any(Date) }] });
    const instance = await settled(orderId);
    expect(instance).toMatchObject({ status: 'failed', reason: 'payment timed out', deadlines: [] });
    expect(knobs.timedOut).toEqual([`${orderId}:${knobs.silentAmount}`]);
  });

  it(`${title}: a cancelled deadline never fires`, async () => {
    knobs.paymentMs = 300;
    const orderId = await place(50);
    expect((await settled(orderId)).status).toBe('completed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(knobs.timedOut).toEqual([]);
  });

  it(`${title}: a command refused by a business rule goes to the saga's failure method`, async () => {
    const orderId = await place(5_000);
    expect(await settled(orderId)).toMatchObject({
      status: 'failed',
      reason: 'payment refused: payment-limit (ES_DOMAIN_RULE)',
      deadlines: [],
      pendingCommands: 0,
    });
    // Refused for good at once: a broken rule is not tried again.
    expect(knobs.executed).toEqual([`pay:${orderId}`]);
  });

  it(`${title}: a step whose method throws is undone whole and retried: its command goes out once`, async () => {
    const orderId = `order-${orders + 1}`;
    knobs.throwOnce.add(orderId);
    await place(100);
    const instance = await settled(orderId);
    expect(instance).toMatchObject({ status: 'completed', version: 3 });
    expect(knobs.executed).toEqual([`pay:${orderId}`, `ship:${orderId}`]);
    expect(logs.at('warn')).toEqual([expect.stringContaining(`start of ${orderId} fails once`)]);
  });

  it(`${title}: runs many instances side by side, each to its own end`, async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => place(i % 4 === 0 ? 5_000 : 10 + i)));
    const ends = await Promise.all(ids.map((id) => settled(id, 10_000)));
    expect(ends.map((e) => e.status)).toEqual(ids.map((_, i) => (i % 4 === 0 ? 'failed' : 'completed')));
    expect(knobs.executed.filter((e) => e.startsWith('pay:')).sort()).toEqual(ids.map((id) => `pay:${id}`).sort());
  });
});
