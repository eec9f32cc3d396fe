import { ConfigurationError } from '../errors/configuration-error';

/**
 * What a subscriber does with an event whose handler still fails after every retry:
 * - `'skip'`: park it (recorded with its error, listed by `Subscriptions.parked`) and go on;
 * - `'stop'`: park it and stop at it until it is retried or dismissed.
 */
export type ParkPolicy = 'skip' | 'stop';

/** Options shared by `@Projection` (async mode) and `@DurableEventHandler`. */
export interface SubscriberOptions {
  /** Events per batch (per transaction, for projections). Default: the module's `batchSize`. */
  batchSize?: number;
  /** Tries of a failing event before it is parked, the first included. Default 5. */
  maxAttempts?: number;
  /** First pause between tries, doubled each time (at most 30 s). Default 100 ms. */
  retryBackoffMs?: number;
  /** See {@link ParkPolicy}. Default `'stop'` for projections, `'skip'` for handlers. */
  onFailure?: ParkPolicy;
}

/** Options with defaults filled in. @internal */
export interface ResolvedSubscriberOptions {
  batchSize: number | undefined;
  maxAttempts: number;
  retryBackoffMs: number;
  onFailure: ParkPolicy;
}

/** Checks options at decoration time, naming the class. @internal */
export function resolveSubscriberOptions(
  owner: string,
  options: SubscriberOptions,
  defaultPolicy: ParkPolicy,
): ResolvedSubscriberOptions {
  const positive = (key: keyof SubscriberOptions, value: number | undefined, min: number): void => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new ConfigurationError(`${owner}: ${key} must be an integer of at least ${min}, got ${String(value)}.`);
    }
  };
  positive('batchSize', options.batchSize, 1);
  positive('maxAttempts', options.maxAttempts, 1);
  positive('retryBackoffMs', options.retryBackoffMs, 0);
  const onFailure = options.onFailure ?? defaultPolicy;
  if (onFailure !== 'skip' && onFailure !== 'stop') {
    throw new ConfigurationError(`${owner}: onFailure must be 'skip' or 'stop', got ${String(onFailure)}.`);
  }
  return {
    batchSize: options.batchSize,
    maxAttempts: options.maxAttempts ?? 5,
    retryBackoffMs: options.retryBackoffMs ?? 100,
    onFailure,
  };
}

/** A subscriber name: what its checkpoint row and lock are keyed by. @internal */
export function assertSubscriberName(owner: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]{1,120}$/.test(name)) {
    throw new ConfigurationError(
      `${owner}: subscriber name "${String(name)}" must be 1 to 120 letters, digits, '_', '.', ':' or '-'. It keys the checkpoint: never rename a running one.`,
    );
  }
}
