import { EventSourcingError } from './event-sourcing-error';

/**
 * A broken business rule. Extend it for each rule of your domain; the HTTP helpers
 * answer it with 422. Nothing is written when a command throws it.
 * @example
 * export class InsufficientFundsError extends DomainError {
 *   constructor(readonly balance: number, readonly amount: number) {
 *     super('insufficient-funds', `Balance ${balance} is less than ${amount}.`);
 *   }
 * }
 */
export abstract class DomainError extends EventSourcingError {
  readonly code = 'ES_DOMAIN_RULE';

  protected constructor(
    /** Your stable name of the rule, e.g. `insufficient-funds`. */
    readonly rule: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
