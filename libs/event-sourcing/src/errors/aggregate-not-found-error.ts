import { EventSourcingError } from './event-sourcing-error';

/** `AggregateRepository.load` found no events for the aggregate. */
export class AggregateNotFoundError extends EventSourcingError {
  readonly code = 'ES_AGGREGATE_NOT_FOUND';

  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
  ) {
    super(`No ${aggregateType} with id "${aggregateId}" exists. Check the id, or create it first.`);
  }
}
