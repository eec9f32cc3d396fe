import { EventSourcingError } from './event-sourcing-error';

/**
 * The acting user, API key or service lacks the permission a route or a command needs.
 * Nothing was written. HTTP answers 403 `ES_PERMISSION_DENIED`.
 */
export class PermissionDeniedError extends EventSourcingError {
  readonly code = 'ES_PERMISSION_DENIED';

  constructor(
    readonly actorId: string,
    readonly action: string,
    readonly aggregateType: string,
    readonly aggregateId: string,
  ) {
    super(
      `"${actorId}" may not ${action} ${aggregateType} "${aggregateId}". Ask someone who may manage it for a grant.`,
    );
  }
}
