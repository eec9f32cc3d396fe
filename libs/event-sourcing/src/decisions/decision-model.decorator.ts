import { ConfigurationError } from '../errors/configuration-error';
import type { DomainEventClass } from '../events/domain-event.decorator';
import { eventMethodMap, type EventMethodMap } from '../events/event-method-map';
import { requireDomainEventMetadata } from '../events/domain-event.decorator';
import type { DecisionQuery } from '../store/decision-query';

const DECISION_MODEL = Symbol('event-sourcing:decision-model');
const evolveHandlers = eventMethodMap(Symbol('event-sourcing:evolve-handlers'));

/**
 * A decision model instance: an object of a `@DecisionModel` class. Its query is its
 * `query()` when it has one, else its `@Evolve` event types with its `tags()` (all of
 * them, on every type), else those types alone.
 */
export interface DecisionModelInstance {
  query?(): DecisionQuery;
  tags?(): readonly string[];
}

/**
 * Declares a class as a decision model: state folded from the events that match its
 * query (across any streams), by its `@Evolve` methods, so that a command can decide on
 * it and append with a condition on that query (see `DecisionRepository`). An instance
 * is one decision's model: give it what identifies it (a title, a course id) in its
 * constructor, and its query through `tags()` or `query()`.
 * @example
 * @DecisionModel()
 * export class CourseCapacity {
 *   seats = 0;
 *   taken = 0;
 *   constructor(readonly courseId: string) {}
 *   tags() { return [`course:${this.courseId}`]; }
 *   @Evolve(CourseDefined) defined(e: CourseDefined) { this.seats = e.seats; }
 *   @Evolve(StudentEnrolled) enrolled() { this.taken++; }
 * }
 */
export function DecisionModel(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(DECISION_MODEL, true, target);
  };
}

/**
 * Marks the decision model method that folds one event class into its state. It gets
 * the event (an instance of its class, upcast) and may only change state.
 * @example
 * @Evolve(StudentEnrolled)
 * enrolled(event: StudentEnrolled) {
 *   this.taken++;
 * }
 */
export function Evolve(eventClass: DomainEventClass): MethodDecorator {
  return evolveHandlers.decorator(eventClass);
}

/** The `@Evolve` handlers of a decision model prototype, inherited ones included. @internal */
export function getEvolveHandlers(prototype: object): EventMethodMap {
  return evolveHandlers.read(prototype);
}

/**
 * The query of a decision model instance (see {@link DecisionModelInstance}).
 * @throws ConfigurationError when its class has no `@DecisionModel`, or it has neither a
 *   query nor an `@Evolve` method.
 * @internal
 */
export function queryOfModel(model: object): DecisionQuery {
  const cls = model.constructor;
  if (!Reflect.getMetadata(DECISION_MODEL, cls)) {
    throw new ConfigurationError(`${cls.name} is loaded as a decision model but has no @DecisionModel() decorator.`);
  }
  const instance = model as DecisionModelInstance;
  if (typeof instance.query === 'function') return instance.query();
  const classes = [...getEvolveHandlers(Object.getPrototypeOf(model) as object).keys()];
  if (classes.length === 0) {
    throw new ConfigurationError(`${cls.name} has no @Evolve method and no query(): it would read nothing.`);
  }
  const types = classes.map((eventClass) => requireDomainEventMetadata(eventClass, cls.name).type);
  const tags = typeof instance.tags === 'function' ? [...instance.tags()] : [];
  return [tags.length ? { types, tags } : { types }];
}
