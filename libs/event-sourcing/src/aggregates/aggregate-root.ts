import { AggregateRoot as CqrsAggregateRoot } from '@nestjs/cqrs';
import { MissingEventHandlerError } from '../errors/missing-event-handler-error';
import { UnsavedEventsError } from '../errors/unsaved-events-error';
import type { DomainEventClass } from '../events/domain-event.decorator';
import { getApplyHandlers } from './apply.decorator';

/**
 * Base class of event-sourced aggregates. It keeps `@nestjs/cqrs`'s API (`apply`,
 * `commit`, `getUncommittedEvents`, `publish` through `EventPublisher`) and adds an id,
 * a version and `@Apply` handlers found by event class, not by method name.
 *
 * Command methods check the rules and `apply` new events; `@Apply` methods change state.
 * `AggregateRepository.save` stores the uncommitted events and publishes them.
 * @example
 * @Aggregate('account')
 * export class BankAccount extends AggregateRoot {
 *   balance = 0;
 *   deposit(amount: number) {
 *     this.apply(new MoneyDeposited(this.id, amount));
 *   }
 *   @Apply(MoneyDeposited)
 *   onDeposited(event: MoneyDeposited) {
 *     this.balance += event.amount;
 *   }
 * }
 */
export abstract class AggregateRoot extends CqrsAggregateRoot<object> {
  private persistedVersion = 0;

  constructor(
    /** The aggregate's id, unique within its type. */
    readonly id: string,
  ) {
    super();
  }

  /** Version of the stored stream this instance reflects: 0 for a new aggregate. */
  get version(): number {
    return this.persistedVersion;
  }

  /**
   * Called by the repository after a load or a save. @internal
   */
  markPersisted(version: number): void {
    this.persistedVersion = version;
  }

  /**
   * Publishes nothing itself: events reach the `EventBus` when the repository has stored
   * them. Calling it after a save is harmless.
   * @throws UnsavedEventsError while there are unsaved events.
   */
  override commit(): void {
    const unsaved = this.getUncommittedEvents().length;
    if (unsaved > 0) throw new UnsavedEventsError(this.constructor.name, unsaved);
  }

  /** Always false: events are published after they are stored, never when applied. */
  override get autoCommit(): boolean {
    return false;
  }

  /** @throws UnsavedEventsError when set to true (see {@link AggregateRoot.commit}). */
  override set autoCommit(value: boolean) {
    if (value) throw new UnsavedEventsError(this.constructor.name, this.getUncommittedEvents().length);
  }

  /**
   * Tags to add to an event this aggregate applies, beside the event class's own
   * (`@Tag` fields, `eventTags()`); none by default. Override to make all the
   * aggregate's events findable by a tag (`list:<id>`), or usable in decisions.
   * @example
   * override eventTags(): string[] {
   *   return [`list:${this.id}`];
   * }
   */
  eventTags(_event: object): readonly string[] {
    return [];
  }

  /**
   * The state a snapshot stores; by default every own field but the id. Override with
   * `restoreSnapshot` when the state holds class instances or Maps.
   */
  toSnapshot(): Record<string, unknown> {
    const state = { ...this } as Record<string, unknown>;
    delete state.id;
    delete state.persistedVersion;
    return state;
  }

  /** Restores a state made by `toSnapshot`; by default assigns its fields. */
  restoreSnapshot(state: Record<string, unknown>): void {
    Object.assign(this, state);
  }

  /**
   * Finds the `@Apply` method for the event's class.
   * @throws MissingEventHandlerError when there is none.
   */
  protected override getEventHandler(event: object): never {
    const key = getApplyHandlers(Object.getPrototypeOf(this) as object).get(event.constructor as DomainEventClass);
    const handler = key === undefined ? undefined : (this as unknown as Record<string | symbol, unknown>)[key];
    if (typeof handler !== 'function')
      throw new MissingEventHandlerError(this.constructor.name, event.constructor.name);
    return handler as never;
  }
}
