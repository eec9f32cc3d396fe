import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { CommandTries } from '../commands/command-tries';
import { publishCommitted } from '../commands/publish-committed';
import { ConfigurationError } from '../errors/configuration-error';
import type { EventEnvelope, EventMetadata } from '../events/event-envelope';
import { EventTypeRegistry } from '../events/event-type-registry';
import { MessageContext } from '../events/message-context';
import { messageMetadata } from '../events/message-metadata';
import { RESOLVED_OPTIONS, type ResolvedOptions } from '../options/event-sourcing-options';
import {
  matchesItems,
  normalizeDecisionQuery,
  type AppendCondition,
  type DecisionQuery,
  type ReadPoint,
} from '../store/decision-query';
import { EventStore, type AppendResult } from '../store/event-store';
import type { ExpectedVersion } from '../store/expected-version';
import { getEvolveHandlers, queryOfModel } from './decision-model.decorator';

/** What {@link DecisionRepository.load} read: the models, folded, and the condition to save with. */
export interface Decision<M extends readonly object[]> {
  /** The models given, in order, each folded from the events matching its query. */
  models: M;
  /** Where they were read. */
  after: ReadPoint;
  /** The union of their queries, after `after`: give it to any save of this decision. */
  condition: AppendCondition;
}

/** One stream's events of a decision (see {@link DecisionRepository.save}). */
export interface DecisionEvents {
  streamId: string;
  /** Event instances (`@DomainEvent` classes), with their `@Tag`s. */
  events: object[];
  /** Defaults to `'any'`: the condition, not the stream's version, guards a decision. */
  expectedVersion?: ExpectedVersion;
  /** Tags for all these events besides their own. */
  tags?: readonly string[];
}

/**
 * Loads decision models (`@DecisionModel`) and saves what a command decided on them,
 * with the condition built for you: the save fails with `AppendConditionError` (and a
 * command handler runs again, see `@CommandRetry`) when an event matching any model's
 * query was committed after the load. Events carry the command's correlation and
 * causation ids and are published on the `EventBus` once stored, as an aggregate's are.
 * Inject it as `DecisionRepository`.
 * @example
 * const course = new CourseCapacity(courseId);
 * const student = new StudentSchedule(studentId);
 * const decision = await this.decisions.load(course, student);
 * if (course.taken >= course.seats) throw new CourseFullError(courseId);
 * await this.decisions.save(decision, { streamId: `course-${courseId}`, events: [new StudentEnrolled(courseId, studentId)] });
 */
@Injectable()
export class DecisionRepository {
  private readonly logger = new Logger('DecisionRepository');

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventTypeRegistry,
    private readonly context: MessageContext,
    private readonly tries: CommandTries,
    @Inject(RESOLVED_OPTIONS) private readonly options: Pick<ResolvedOptions, 'unknownEvents'>,
    @Optional() private readonly eventBus?: EventBus,
  ) {}

  /**
   * Reads the events of all the models' queries in one `readMatching` (their union) and
   * folds into each model the events that match its own query, in position order.
   * @throws ConfigurationError for a model that is no `@DecisionModel`, or none given.
   * @throws InvalidQueryError for a bad query; UnknownEventTypeError, UpcastError for an unreadable event.
   */
  async load<M extends readonly object[]>(...models: M): Promise<Decision<M>> {
    if (models.length === 0) throw new ConfigurationError('DecisionRepository.load needs at least one model.');
    const parts = models.map((model) => {
      const query = queryOfModel(model);
      const handlers = getEvolveHandlers(Object.getPrototypeOf(model) as object);
      for (const eventClass of handlers.keys()) this.registry.register(eventClass, model.constructor.name);
      return { model, items: normalizeDecisionQuery(query), query, handlers };
    });
    const union = unionOf(parts.map((p) => p.query));
    const { events, after } = await this.store.readMatching(union);
    for (const envelope of events) {
      const event = this.registry.toInstance(envelope, this.options.unknownEvents);
      if (!event) continue;
      for (const { model, items, handlers } of parts) {
        if (!matchesItems(envelope, items)) continue;
        const method = handlers.get(event.constructor as never);
        if (method !== undefined) evolve(model, method, event, envelope);
      }
    }
    return { models, after, condition: { query: union, after } };
  }

  /**
   * Appends what was decided: to one stream, or to several in one transaction, on the
   * condition of the decision.
   * @throws AppendConditionError when an event matching the decision's query was
   *   committed after it was loaded; nothing is written.
   * @throws ConcurrencyError, bad input errors, as `EventStore.appendMany`.
   */
  async save(decision: Decision<readonly object[]>, ...parts: DecisionEvents[]): Promise<AppendResult[]> {
    const metadata: EventMetadata = messageMetadata(this.context);
    const appends = parts.map(({ streamId, events, expectedVersion, tags }) => ({
      streamId,
      expectedVersion,
      events: events.map((event) => this.registry.toNewEvent(event, metadata, undefined, tags)),
    }));
    const results =
      appends.length === 1
        ? [
            await this.store.append(appends[0]!.streamId, appends[0]!.events, {
              expectedVersion: appends[0]!.expectedVersion,
              condition: decision.condition,
            }),
          ]
        : await this.store.appendMany(appends, { condition: decision.condition });
    this.tries.recordSave();
    publishCommitted(
      this.tries,
      this.eventBus,
      parts.flatMap((p) => p.events),
      this.logger,
    );
    return results;
  }
}

/** The items of several queries as one query, without repeats. */
function unionOf(queries: readonly DecisionQuery[]): DecisionQuery {
  // The empty query is every event: so is a union holding one.
  if (queries.some((query) => query.length === 0)) return [];
  const seen = new Map<string, DecisionQuery[number]>();
  for (const item of queries.flat()) seen.set(JSON.stringify(item), item);
  return [...seen.values()];
}

function evolve(model: object, method: string | symbol, event: object, envelope: EventEnvelope): void {
  (model as Record<string | symbol, (event: object, envelope: EventEnvelope) => void>)[method]!(event, envelope);
}
