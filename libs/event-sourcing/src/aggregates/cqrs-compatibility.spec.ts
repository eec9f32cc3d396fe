import { Injectable, Module } from '@nestjs/common';
import {
  Command,
  CommandHandler,
  EventPublisher,
  EventsHandler,
  ofType,
  Saga,
  type ICommandHandler,
  type IEvent,
  type IEventHandler,
} from '@nestjs/cqrs';
import { EventTypeRegistry } from '../events/event-type-registry';
import type { TestingModule } from '@nestjs/testing';
import { map, type Observable } from 'rxjs';
import { EventSourcingModule } from '../event-sourcing.module';
import { DomainEvent } from '../events/domain-event.decorator';
import { createEventSourcingTestingModule } from '../testing/event-sourcing-testing-module';
import { Aggregate } from './aggregate.decorator';
import { AggregateRoot } from './aggregate-root';
import type { AggregateRepository } from './aggregate-repository';
import { Apply } from './apply.decorator';
import { getAggregateRepositoryToken } from './inject-aggregate-repository.decorator';

@DomainEvent('order.placed')
class OrderPlaced {
  constructor(readonly orderId: string) {}
}

@Aggregate('order')
class Order extends AggregateRoot {
  placed = false;

  place(): void {
    this.apply(new OrderPlaced(this.id));
  }

  @Apply(OrderPlaced)
  protected onPlaced(): void {
    this.placed = true;
  }
}

@DomainEvent('order.noted')
class OrderNoted {}

@EventsHandler(OrderNoted)
class OrderNotes implements IEventHandler<OrderNoted> {
  handle(): void {}
}

class SendConfirmation extends Command<void> {
  constructor(readonly orderId: string) {
    super();
  }
}

const confirmations: string[] = [];

@CommandHandler(SendConfirmation)
class SendConfirmationHandler implements ICommandHandler<SendConfirmation> {
  async execute({ orderId }: SendConfirmation): Promise<void> {
    confirmations.push(orderId);
  }
}

@Injectable()
class OrderSagas {
  @Saga()
  placed = (events$: Observable<IEvent>): Observable<SendConfirmation> =>
    events$.pipe(
      ofType(OrderPlaced),
      map((event) => new SendConfirmation(event.orderId)),
    );
}

@Module({
  imports: [EventSourcingModule.forFeature({ aggregates: [Order] })],
  providers: [OrderSagas, SendConfirmationHandler, OrderNotes],
})
class OrdersModule {}

describe('@nestjs/cqrs code keeps working with saved aggregates', () => {
  let moduleRef: TestingModule;
  let orders: AggregateRepository<Order>;

  beforeAll(async () => {
    moduleRef = await createEventSourcingTestingModule({ imports: [OrdersModule] }).compile();
    await moduleRef.init();
    orders = moduleRef.get(getAggregateRepositoryToken(Order));
  });

  afterAll(() => moduleRef.close());

  it('feeds rxjs @Saga streams with the saved events, which dispatch commands', async () => {
    const order = new Order('o-1');
    order.place();
    await orders.save(order);
    await new Promise((resolve) => setImmediate(resolve));
    expect(confirmations).toEqual(['o-1']);
  });

  it('leaves EventPublisher.mergeObjectContext + commit() after save harmless: each event is published once', async () => {
    confirmations.length = 0;
    const order = moduleRef.get(EventPublisher).mergeObjectContext(new Order('o-2'));
    order.place();
    await orders.save(order);
    order.commit();
    await new Promise((resolve) => setImmediate(resolve));
    expect(confirmations).toEqual(['o-2']);
    expect((await orders.load('o-2')).placed).toBe(true);
  });

  it('knows the @DomainEvent classes that @EventsHandler classes handle, with no list to keep', () => {
    expect(moduleRef.get(EventTypeRegistry).classOf('order.noted')).toBe(OrderNoted);
  });
});
