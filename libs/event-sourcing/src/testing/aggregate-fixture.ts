import type { AggregateRoot } from '../aggregates/aggregate-root';
import type { AggregateClass } from '../aggregates/aggregate-repository-types';
import { expectEventsStorable, expectThrown, type ErrorClass } from './fixture-checks';

/**
 * Given/when/then tests of an aggregate, with no database: `given` events are applied as
 * history, `when` runs a command method, `then` compares the new events (classes and
 * fields) and `thenThrows` the error. Do not `await` a stage: `then` is an assertion.
 * @example
 * const account = aggregateFixture(BankAccount, 'a-1');
 * account.given(new AccountOpened('a-1', 'Ada', at)).when((a) => a.deposit(5)).then(new MoneyDeposited('a-1', 5, 5));
 * account.given(new AccountOpened('a-1', 'Ada', at)).when((a) => a.withdraw(5)).thenThrows(InsufficientFundsError);
 */
export function aggregateFixture<T extends AggregateRoot>(
  aggregateClass: AggregateClass<T>,
  id = 'fixture-1',
): AggregateFixture<T> {
  return new AggregateFixture(aggregateClass, id);
}

/** See {@link aggregateFixture}. */
export class AggregateFixture<T extends AggregateRoot> {
  constructor(
    private readonly aggregateClass: AggregateClass<T>,
    private readonly id: string,
  ) {}

  /** The aggregate's history; none for a new aggregate. */
  given(...history: object[]): GivenStage<T> {
    const aggregate = new this.aggregateClass(this.id);
    aggregate.loadFromHistory(history);
    aggregate.markPersisted(history.length);
    return new GivenStage(aggregate);
  }
}

/** The aggregate after its history; see {@link aggregateFixture}. */
export class GivenStage<T extends AggregateRoot> {
  constructor(private readonly aggregate: T) {}

  /** Runs a command method on the aggregate. */
  when(action: (aggregate: T) => unknown): WhenStage<T> {
    let error: unknown;
    try {
      const result = action(this.aggregate);
      if (result instanceof Promise) throw new Error('aggregateFixture: `when` takes synchronous command methods.');
    } catch (thrown) {
      error = thrown;
    }
    return new WhenStage(this.aggregate, error);
  }
}

/** The outcome of a command method; see {@link aggregateFixture}. */
export class WhenStage<T extends AggregateRoot> {
  constructor(
    private readonly aggregate: T,
    private readonly error: unknown,
  ) {}

  /**
   * Asserts that the command succeeded and applied exactly these events, in order (none
   * for "nothing happened"), each one storable (`@DomainEvent`, JSON-safe data). Returns
   * the aggregate, to check its state too.
   */
  then(...expected: object[]): T {
    if (expected.some((event) => typeof event === 'function')) {
      throw new Error('aggregateFixture: a stage is not a promise; call .then(...events) without await.');
    }
    if (this.error !== undefined) throw this.error as Error;
    expectEventsStorable(
      'aggregateFixture',
      this.aggregate.constructor.name,
      this.aggregate.getUncommittedEvents(),
      expected,
    );
    return this.aggregate;
  }

  /** Asserts that the command threw this error class (and message, if given) and applied nothing. */
  thenThrows(errorClass: ErrorClass, message?: string | RegExp): void {
    expectThrown(this.error, errorClass, message);
    expect(this.aggregate.getUncommittedEvents()).toEqual([]);
  }
}
