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
  problemTypeBase: string;
  pendingTimeoutMs: number;
  retentionMs: number;
}

/** Fills in defaults. @internal */
export function resolveHttpOptions(options: EventSourcingHttpOptions = {}): ResolvedHttpOptions {
  return {
    adminToken: options.adminToken || undefined,
    problemTypeBase: options.problemTypeBase ?? 'urn:problem-type:',
    pendingTimeoutMs: options.idempotency?.pendingTimeoutMs ?? 60_000,
    retentionMs: options.idempotency?.retentionMs ?? 24 * 60 * 60 * 1000,
  };
}
