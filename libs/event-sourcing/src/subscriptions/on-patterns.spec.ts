import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { ConfigurationError } from '../errors/configuration-error';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import type { EventEnvelope } from '../events/event-envelope';
import { Upcaster, type EventUpcaster } from '../events/upcaster.decorator';
import { Projection } from '../projections/projection.decorator';
import { EventStore } from '../store/event-store';
import { DurableEventHandler } from './durable-event-handler.decorator';
import { On } from './on.decorator';
import { Subscriptions } from './subscriptions';

// @On('*') and @On('shop.*'): wildcard and prefix subscriptions, on both stores, with
// upcasting still applied to the types that have a class.

/** Revision 2 renamed `cents` to `amount`. */
@DomainEvent('shop.paid', { revision: 2 })
class Paid {
  constructor(readonly amount: number) {}
}

@Upcaster({ type: 'shop.paid', fromRevision: 1 })
class PaidV1 implements EventUpcaster {
  upcast(data: unknown): unknown {
    return { amount: (data as { cents: number }).cents };
  }
}

@Injectable()
class Seen {
  readonly all: string[] = [];
  readonly shop: { type: string; data: unknown }[] = [];
  readonly paid: number[] = [];
}

@DurableEventHandler('every-event')
@Injectable()
class EveryEvent {
  constructor(private readonly seen: Seen) {}

  @On('*')
  any({ type }: EventEnvelope): void {
    this.seen.all.push(type);
  }
}

@Projection('shop-events')
@Injectable()
class ShopEvents {
  constructor(private readonly seen: Seen) {}

  @On(Paid)
  paid({ data }: EventEnvelope<Paid>): void {
    this.seen.paid.push(data.amount);
  }

  @On('shop.*')
  other({ type, data }: EventEnvelope): void {
    this.seen.shop.push({ type, data });
  }
}

describe.each(['memory', 'postgres'] as const)('@On patterns (%s store)', (kind) => {
  let database: TestDatabase | undefined;
  let moduleRef: TestingModule;

  beforeEach(async () => {
    database = kind === 'postgres' ? await createTestDatabase('postgres', 'on_patterns') : undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        EventSourcingModule.forRoot({
          database: database?.url ?? 'memory',
          subscriptions: { pollIntervalMs: 200, leaseRetryMs: 200, maxBackoffMs: 300 },
        }),
        EventSourcingModule.forFeature({ upcasters: [PaidV1] }),
      ],
      providers: [Seen, EveryEvent, ShopEvents],
    }).compile();
    await moduleRef.init();
  });

  afterEach(async () => {
    await moduleRef.close();
    await database?.drop();
  });

  it('hands every type to @On("*"), and a prefix\'s types to @On("shop.*"), a class\'s own method first, upcast', async () => {
    const store = moduleRef.get(EventStore);
    await store.append('order-1', [
      { type: 'shop.ordered', data: { item: 'tea' } },
      { type: 'shop.paid', revision: 1, data: { cents: 150 } },
      { type: 'shop.paid', revision: 2, data: { amount: 200 } },
    ]);
    await store.append('note-1', [{ type: 'notes.written', data: { text: 'hi' } }]);
    const subscriptions = moduleRef.get(Subscriptions);
    await subscriptions.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });

    const seen = moduleRef.get(Seen);
    expect(seen.all).toEqual(['shop.ordered', 'shop.paid', 'shop.paid', 'notes.written']);
    expect(seen.paid).toEqual([150, 200]);
    expect(seen.shop).toEqual([{ type: 'shop.ordered', data: { item: 'tea' } }]);
    expect(await subscriptions.statusOf('every-event')).toMatchObject({ lag: 0, position: 4n });
  });
});

describe('@On patterns, declared', () => {
  it('refuses a string that is no pattern, naming the method', () => {
    expect(() => {
      class Bad {
        @On('shop.paid' as '*')
        paid(): void {}
      }
      return Bad;
    }).toThrow(ConfigurationError);
  });
});
