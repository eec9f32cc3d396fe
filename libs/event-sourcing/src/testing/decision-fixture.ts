import { getEvolveHandlers, queryOfModel } from '../decisions/decision-model.decorator';
import type { DomainEventClass } from '../events/domain-event.decorator';
import { EventTypeRegistry } from '../events/event-type-registry';
import { matchesItems, normalizeDecisionQuery } from '../store/decision-query';
import { prepareTags } from '../store/tags';
import { expectEventsStorable, expectThrown, type ErrorClass } from './fixture-checks';

/**
 * Given/when/then tests of a decision model, with no database: `given` events are
 * folded into a new model as the store would fold them (only those that match its
 * query, by type and by their `@Tag`s, so a missing tag shows here), `when` decides on
 * it (a function returning the new events, or throwing), `then` compares the events and
 * `thenThrows` the error. Do not `await` a stage: `then` is an assertion.
 * @example
 * const title = decisionFixture(() => new ListTitle('milk'));
 * title.given(new TodoListCreated('l-1', 'Milk')).when((t) => t.claim('l-2')).thenThrows(ListTitleTakenError);
 * title.given().when((t) => t.claim('l-2')).then();
 */
export function decisionFixture<M extends object>(create: () => M): DecisionFixture<M> {
  return new DecisionFixture(create);
}

/** See {@link decisionFixture}. */
export class DecisionFixture<M extends object> {
  private readonly registry = new EventTypeRegistry();

  constructor(private readonly create: () => M) {}

  /** The events in the store, in order; those that do not match the model's query are left out. */
  given(...history: object[]): DecisionGivenStage<M> {
    const model = this.create();
    const items = normalizeDecisionQuery(queryOfModel(model));
    const handlers = getEvolveHandlers(Object.getPrototypeOf(model) as object);
    for (const event of history) {
      const stored = this.registry.toNewEvent(event);
      if (!matchesItems({ type: stored.type, tags: prepareTags(stored.tags, 0) }, items)) continue;
      const method = handlers.get(event.constructor as DomainEventClass);
      if (method !== undefined) (model as Record<string | symbol, (e: object) => void>)[method]!(event);
    }
    return new DecisionGivenStage(model);
  }
}

/** The model after the history; see {@link decisionFixture}. */
export class DecisionGivenStage<M extends object> {
  constructor(readonly model: M) {}

  /** Decides on the model: `decide` returns the new events (or nothing), or throws. */
  when(decide: (model: M) => readonly object[] | void): DecisionWhenStage<M> {
    try {
      const events = decide(this.model);
      if (events instanceof Promise) throw new Error('decisionFixture: `when` takes a synchronous decision.');
      return new DecisionWhenStage(this.model, [...(events ?? [])], undefined);
    } catch (error) {
      return new DecisionWhenStage(this.model, [], error);
    }
  }
}

/** The outcome of a decision; see {@link decisionFixture}. */
export class DecisionWhenStage<M extends object> {
  constructor(
    private readonly model: M,
    private readonly events: object[],
    private readonly error: unknown,
  ) {}

  /** Asserts that the decision succeeded with exactly these events, each storable; returns the model. */
  then(...expected: object[]): M {
    if (this.error !== undefined) throw this.error as Error;
    expectEventsStorable('decisionFixture', this.model.constructor.name, this.events, expected);
    return this.model;
  }

  /** Asserts that the decision threw this error class (and message, if given). */
  thenThrows(errorClass: ErrorClass, message?: string | RegExp): void {
    expectThrown(this.error, errorClass, message);
  }
}
