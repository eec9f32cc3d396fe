import { EventSourcingError } from './event-sourcing-error';

/**
 * A forget asked for a tenant (`tenancy: true`, work with a tenant) of a subject whose
 * personal data that tenant's streams do not hold: unknown, or held (also) by another
 * tenant, whose data a tenant may not erase. The message is the same either way.
 */
export class SubjectNotFoundError extends EventSourcingError {
  readonly code = 'ES_SUBJECT_NOT_FOUND';

  constructor(readonly subject: string) {
    super(
      `No personal data of subject "${subject}" is held by this tenant's streams, so nothing was forgotten. ` +
        'Check the subject; a subject held by several tenants is forgotten by an operator (work without a tenant).',
    );
  }
}
