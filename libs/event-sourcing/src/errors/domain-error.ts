import { EventSourcingError } from './event-sourcing-error';

/** One point of a broken rule, for a client to show or act on: `{ code, message, field? }`. */
export interface DomainErrorDetail {
  /** A stable name of this point (`min-balance`, `over-limit`). */
  code: string;
  /** What it means, for a person. */
  message: string;
  /** The input field it is about, when there is one (`amount`). */
  field?: string;
}

/** Options of a {@link DomainError}. */
export interface DomainErrorOptions {
  cause?: unknown;
  /** The points of the rule that failed, each with its own code; they reach the problem body as `details`. */
  details?: DomainErrorDetail[];
  /**
   * The rule clashes with the current state of other data rather than with the request
   * itself (a name another resource holds): HTTP answers 409 instead of 422.
   */
  conflict?: boolean;
}

/**
 * A broken business rule. Extend it for each rule of your domain; the HTTP helpers
 * answer it with 422 `ES_DOMAIN_RULE` (409 for a `conflict`), its `rule`, its `details`, and every field of the
 * subclass (the values it names: `accountId`, `balance`, `amount`) as members of the
 * problem body, however many `CommandBus` hops it crossed. Nothing is written when a
 * command throws it. Its message is the problem's `detail`; an app can put it in the
 * reader's language with the HTTP module's `describeDomainError`.
 * @example
 * export class InsufficientFundsError extends DomainError {
 *   constructor(readonly balance: number, readonly amount: number) {
 *     super('insufficient-funds', `Balance ${balance} is less than ${amount}.`);
 *   }
 * }
 */
export abstract class DomainError extends EventSourcingError {
  readonly code = 'ES_DOMAIN_RULE';
  /** The points of the rule that failed, if the error lists them. */
  readonly details: readonly DomainErrorDetail[];
  /** Whether the rule clashes with other data's state (see {@link DomainErrorOptions.conflict}). */
  readonly conflict: boolean;

  protected constructor(
    /** Your stable name of the rule, e.g. `insufficient-funds`. */
    readonly rule: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.details = options.details ?? [];
    this.conflict = options.conflict ?? false;
  }
}
