import { ConfigurationError } from '../errors/configuration-error';

const AGGREGATE = Symbol('event-sourcing:aggregate');

/**
 * When to store a snapshot of an aggregate's state:
 * - `'never'` (default): load replays every event;
 * - `{ every: n }`: after a save that crosses a multiple of `n` events;
 * - `'always'`: after every save.
 */
export type SnapshotPolicy = 'never' | 'always' | { every: number };

/** Options of {@link Aggregate}. */
export interface AggregateOptions {
  /** See {@link SnapshotPolicy}. Default `'never'`. */
  snapshots?: SnapshotPolicy;
  /**
   * Revision of the snapshot's shape. Bump it when the aggregate's state changes shape:
   * older snapshots are then ignored (and replaced on the next snapshot). Default 1.
   */
  snapshotRevision?: number;
}

/** What `@Aggregate` records on a class. */
export interface AggregateMetadata {
  /** The stream type; a stream id is `${streamType}-${id}`. */
  streamType: string;
  snapshots: SnapshotPolicy;
  snapshotRevision: number;
}

/**
 * Declares an event-sourced aggregate and the stream type its events go to
 * (`account` → streams `account-<id>`), with its snapshot policy.
 * @throws ConfigurationError for an empty stream type or a bad snapshot policy.
 * @example
 * @Aggregate('account', { snapshots: { every: 100 } })
 * export class BankAccount extends AggregateRoot { ... }
 */
export function Aggregate(streamType: string, options: AggregateOptions = {}): ClassDecorator {
  return (target) => {
    if (typeof streamType !== 'string' || !/^[A-Za-z0-9_.]+$/.test(streamType)) {
      throw new ConfigurationError(
        `@Aggregate on ${target.name}: stream type "${String(streamType)}" must be letters, digits, '_' or '.'.`,
      );
    }
    const snapshots = options.snapshots ?? 'never';
    if (typeof snapshots === 'object' && (!Number.isInteger(snapshots.every) || snapshots.every < 1)) {
      throw new ConfigurationError(`@Aggregate on ${target.name}: snapshots.every must be a positive integer.`);
    }
    const snapshotRevision = options.snapshotRevision ?? 1;
    if (!Number.isInteger(snapshotRevision) || snapshotRevision < 1) {
      throw new ConfigurationError(`@Aggregate on ${target.name}: snapshotRevision must be a positive integer.`);
    }
    Reflect.defineMetadata(AGGREGATE, { streamType, snapshots, snapshotRevision } satisfies AggregateMetadata, target);
  };
}

/**
 * The `@Aggregate` metadata of a class.
 * @throws ConfigurationError naming the class when it is not decorated.
 */
export function requireAggregateMetadata(target: abstract new (...args: never[]) => unknown): AggregateMetadata {
  const metadata = Reflect.getMetadata(AGGREGATE, target) as AggregateMetadata | undefined;
  if (!metadata)
    throw new ConfigurationError(
      `${target.name} is registered as an aggregate but has no @Aggregate('stream-type') decorator.`,
    );
  return metadata;
}
