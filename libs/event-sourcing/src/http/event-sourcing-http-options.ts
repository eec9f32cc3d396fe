import type { DomainError, DomainErrorDetail } from '../errors/domain-error';

/** What {@link EventSourcingHttpOptions.describeDomainError} says of a broken rule, for one reader. */
export interface DomainErrorDescription {
  /** The problem's `detail`, in place of the error's message. */
  detail?: string;
  /** The problem's `details`, in place of the error's. */
  details?: DomainErrorDetail[];
  /** The language of `detail` and `details` (`de`, `fr-CA`): sent as `Content-Language`. */
  language?: string;
}

/** Who reads a problem, as far as its wording goes. */
export interface ProblemReader {
  /** The request's `Accept-Language` tags, most wanted first (`['de-CH', 'de', 'en']`); empty when it has none. */
  languages: readonly string[];
}

/** Options of {@link EventSourcingHttpModule.forRoot}. */
export interface EventSourcingHttpOptions {
  /**
   * The bearer token of routes marked `@AdminOnly()`. Unset or empty: those routes are
   * off and answer 404, as if they did not exist.
   */
  adminToken?: string;
  /**
   * Prefix of every problem's `type` URI; the code follows in kebab case
   * (`urn:problem-type:es-concurrency`). Point it at your documentation if you have
   * one. Default `urn:problem-type:`.
   */
  problemTypeBase?: string;
  /**
   * Words a broken business rule for its reader: given the `DomainError` (its `rule`
   * and its fields) and the request's languages, answer the problem's `detail` (and
   * `details`) in one of them, or `undefined` to keep the error's own message. Its
   * values stay in the body as they are, so clients that match on `rule` are unaffected.
   * @example
   * describeDomainError: (error, { languages }) =>
   *   error instanceof InsufficientFundsError && languages[0]?.startsWith('de')
   *     ? { detail: `Konto ${error.accountId}: ${error.balance} reicht nicht für ${error.amount}.`, language: 'de' }
   *     : undefined
   */
  describeDomainError?: (error: DomainError, reader: ProblemReader) => DomainErrorDescription | undefined;
  /** How long Idempotency-Key records are kept and trusted. */
  idempotency?: {
    /**
     * A key still pending after this long belongs to a request that died (its process
     * crashed) and may be claimed again. Default 60 000 ms.
     */
    pendingTimeoutMs?: number;
    /** Completed keys are answered from the record for this long, then forgotten. Default 24 h. */
    retentionMs?: number;
  };
}

/** Options with their defaults filled in. @internal */
export interface ResolvedHttpOptions {
  adminToken: string | undefined;
  describeDomainError: EventSourcingHttpOptions['describeDomainError'];
  problemTypeBase: string;
  pendingTimeoutMs: number;
  retentionMs: number;
}

/** Fills in defaults. @internal */
export function resolveHttpOptions(options: EventSourcingHttpOptions = {}): ResolvedHttpOptions {
  return {
    adminToken: options.adminToken || undefined,
    describeDomainError: options.describeDomainError,
    problemTypeBase: options.problemTypeBase ?? 'urn:problem-type:',
    pendingTimeoutMs: options.idempotency?.pendingTimeoutMs ?? 60_000,
    retentionMs: options.idempotency?.retentionMs ?? 24 * 60 * 60 * 1000,
  };
}
