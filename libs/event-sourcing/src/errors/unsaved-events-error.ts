import { EventSourcingError } from './event-sourcing-error';

/**
 * `commit()` (or `autoCommit`) on an aggregate with unsaved events: `@nestjs/cqrs` would
 * publish events that were never stored. Save the aggregate with its repository, which
 * stores the events and then publishes them.
 */
export class UnsavedEventsError extends EventSourcingError {
  readonly code = 'ES_UNSAVED_EVENTS';

  constructor(
    readonly aggregateType: string,
    readonly count: number,
  ) {
    super(
      `${aggregateType} has ${count} unsaved event(s): call AggregateRepository.save(aggregate), which stores and then publishes them. ` +
        'commit() and autoCommit would publish events that were never stored.',
    );
  }
}
