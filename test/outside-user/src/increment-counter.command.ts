import { CommandHandler, type ICommandHandler, Command } from '@nestjs/cqrs';
import { AggregateRepository, InjectAggregateRepository } from 'nest-event-sourcing';
import { Counter } from './counter.aggregate';

export interface CounterResult {
  id: string;
  value: number;
  version: number;
  position: string | null;
}

export class IncrementCounter extends Command<CounterResult> {
  constructor(
    readonly counterId: string,
    readonly by: number,
  ) {
    super();
  }
}

@CommandHandler(IncrementCounter)
export class IncrementCounterHandler implements ICommandHandler<IncrementCounter> {
  constructor(@InjectAggregateRepository(Counter) private readonly counters: AggregateRepository<Counter>) {}

  async execute({ counterId, by }: IncrementCounter): Promise<CounterResult> {
    const counter = (await this.counters.find(counterId)) ?? new Counter(counterId);
    counter.increment(by);
    const { version, position } = await this.counters.save(counter);
    return { id: counterId, value: counter.value, version, position: position?.toString() ?? null };
  }
}
