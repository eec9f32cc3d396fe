import { Aggregate, AggregateRoot, Apply, DomainError } from 'nest-event-sourcing';
import { CounterIncremented } from './counter-incremented.event';

export class InvalidStepError extends DomainError {
  constructor(readonly by: number) {
    super('invalid-step', `A counter goes up by 1 to 1000 at a time, not ${by}.`);
  }
}

@Aggregate('counter')
export class Counter extends AggregateRoot {
  value = 0;

  increment(by: number): void {
    if (!Number.isSafeInteger(by) || by < 1 || by > 1000) throw new InvalidStepError(by);
    this.apply(new CounterIncremented(this.id, by));
  }

  @Apply(CounterIncremented)
  protected onIncremented(event: CounterIncremented): void {
    this.value += event.by;
  }
}
