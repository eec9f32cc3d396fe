import { DomainEvent } from 'nest-event-sourcing';

@DomainEvent('counter.incremented')
export class CounterIncremented {
  constructor(
    readonly counterId: string,
    readonly by: number,
  ) {}
}
