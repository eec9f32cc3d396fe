import { ConfigurationError } from '../errors/configuration-error';
import { MAX_PARTITIONS } from '../options/max-partitions';

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
  /**
   * Splits the subscriber into this many partitions by a hash of the stream id (see
   * `streamPartition`): the events of one stream stay in one partition, in order; each
   * partition has its own checkpoint and lease, and the instances running subscribers
   * share the partitions (each takes at most its fair share, and takes over those of an
   * instance that stopped heartbeating). Events of different streams may then be handled
   * out of their global order. Changing it rebuilds a projection, and restarts a handler
   * or publisher from the oldest checkpoint of the old partitions (see docs/scaling.md).
   * Not for sagas. Default 1: not partitioned.
   */
  partitions?: number;
  /**
   * When a page is not full, wait up to this long for more events before handling it,
   * for subscribers that prefer fewer, larger batches; each new arrival waits again, but
   * never past `maxWaitMs` after the first. Not while rebuilding. Default 0: at once.
   */
  debounceMs?: number;
  /** The longest a debounced page waits. Default 5 × `debounceMs`. */
  maxWaitMs?: number;
}

/** Options with defaults filled in. @internal */
export interface ResolvedSubscriberOptions {
  batchSize: number | undefined;
  maxAttempts: number;
  retryBackoffMs: number;
  onFailure: ParkPolicy;
  partitions: number;
  debounceMs: number;
  maxWaitMs: number;
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
  positive('partitions', options.partitions, 1);
  positive('debounceMs', options.debounceMs, 0);
  positive('maxWaitMs', options.maxWaitMs, 0);
  if ((options.partitions ?? 1) > MAX_PARTITIONS) {
    throw new ConfigurationError(`${owner}: partitions must be at most ${MAX_PARTITIONS}, got ${options.partitions}.`);
  }
  const debounceMs = options.debounceMs ?? 0;
  const maxWaitMs = options.maxWaitMs ?? debounceMs * 5;
  if (maxWaitMs < debounceMs) {
    throw new ConfigurationError(
      `${owner}: maxWaitMs (${maxWaitMs}) must be at least debounceMs (${debounceMs}): a page never waits longer than maxWaitMs.`,
    );
  }
  const onFailure = options.onFailure ?? defaultPolicy;
  if (onFailure !== 'skip' && onFailure !== 'stop') {
    throw new ConfigurationError(`${owner}: onFailure must be 'skip' or 'stop', got ${String(onFailure)}.`);
  }
  return {
    batchSize: options.batchSize,
    maxAttempts: options.maxAttempts ?? 5,
    retryBackoffMs: options.retryBackoffMs ?? 100,
    onFailure,
    partitions: options.partitions ?? 1,
    debounceMs,
    maxWaitMs,
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
