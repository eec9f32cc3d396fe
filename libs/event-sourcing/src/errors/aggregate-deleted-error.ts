import { EventSourcingError } from './event-sourcing-error';

/**
 * The aggregate's stream is soft-deleted (`AggregateRepository.delete`, `DeleteAggregate`):
 * its history is kept, but it takes no commands until it is restored.
 */
export class AggregateDeletedError extends EventSourcingError {
  readonly code = 'ES_AGGREGATE_DELETED';

  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
  ) {
    super(
      `${aggregateType} "${aggregateId}" is deleted. Restore it (RestoreAggregate, repository.restore) before changing it.`,
    );
  }
}
