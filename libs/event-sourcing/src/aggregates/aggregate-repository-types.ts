import type { EventMetadata } from '../events/event-envelope';
import type { AppendCondition } from '../store/decision-query';
import type { AggregateRoot } from './aggregate-root';

/** A concrete aggregate class: constructed with its id. */
export type AggregateClass<T extends AggregateRoot = AggregateRoot> = new (id: string) => T;

/** Options of {@link AggregateRepository.save}. */
export interface SaveOptions {
  /** Extra metadata for every saved event (correlation and causation ids are filled in). */
  metadata?: EventMetadata;
  /**
   * Save only if this condition holds (see `EventStore.readMatching`): a decision
   * model's (`DecisionRepository.load(...).condition`), to keep a rule that spans
   * streams, such as a unique name, with the aggregate's own events.
   */
  condition?: AppendCondition;
  /**
   * Soft-delete the aggregate with this save (`'delete'`: its events, then `es.stream-deleted`)
   * or restore it (`'restore'`: an aggregate loaded with `includeDeleted`), in one append.
   * See `AggregateRepository.delete` and `restore`.
   */
  lifecycle?: 'delete' | 'restore';
}

/** Options of {@link AggregateRepository.load}. */
export interface LoadOptions {
  /** Fail with `ConcurrencyError` unless the aggregate is at this version (an HTTP `If-Match`). */
  expectedVersion?: number;
  /** Load a soft-deleted aggregate too (to restore it), instead of failing with `AggregateDeletedError`. */
  includeDeleted?: boolean;
}

/** Options of `AggregateRepository.delete` and `restore`. */
export interface LifecycleSaveOptions<T extends AggregateRoot> extends Omit<
  UpdateOptions,
  'lifecycle' | 'includeDeleted'
> {
  /** A command method to run first, whose events go in the same append (an `archive()`, say). */
  decide?: (aggregate: T) => void | Promise<void>;
}

/** What a save stored. */
export interface SaveResult {
  /** The aggregate's version after the save. */
  version: number;
  /** Global position of the last stored event; undefined when there was nothing to save. */
  position: bigint | undefined;
  /** The events stored, as instances. */
  events: object[];
}

/** What {@link AggregateRepository.update} and {@link AggregateRepository.create} stored, and the aggregate after it. */
export interface Saved<T extends AggregateRoot> extends SaveResult {
  /** The aggregate as saved: its state is what the command answers from. */
  aggregate: T;
}

/** Options of {@link AggregateRepository.update}. */
export interface UpdateOptions extends Omit<LoadOptions, 'includeDeleted'>, SaveOptions {}
