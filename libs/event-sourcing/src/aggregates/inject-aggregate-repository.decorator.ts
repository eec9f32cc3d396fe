import { Inject } from '@nestjs/common';
import type { AggregateRoot } from './aggregate-root';

const tokens = new WeakMap<object, symbol>();

/** The injection token of an aggregate class's repository. */
export function getAggregateRepositoryToken(aggregateClass: abstract new (id: string) => AggregateRoot): symbol {
  let token = tokens.get(aggregateClass);
  if (!token) {
    token = Symbol(`AggregateRepository<${aggregateClass.name}>`);
    tokens.set(aggregateClass, token);
  }
  return token;
}

/**
 * Injects the `AggregateRepository` of an aggregate class registered with
 * `EventSourcingModule.forFeature({ aggregates: [...] })`.
 * @example
 * constructor(@InjectAggregateRepository(BankAccount) private readonly accounts: AggregateRepository<BankAccount>) {}
 */
export function InjectAggregateRepository(
  aggregateClass: abstract new (id: string) => AggregateRoot,
): ParameterDecorator & PropertyDecorator {
  return Inject(getAggregateRepositoryToken(aggregateClass));
}
