import type { Logger } from '@nestjs/common';
import { errorMessage } from '../../errors/error-message';
import { ParkedEventNotFoundError } from '../../errors/parked-event-not-found-error';
import { UnsupportedOperationError } from '../../errors/unsupported-operation-error';
import type { ResolvedOptions } from '../../options/event-sourcing-options';
import type { AppendSignal } from '../../store/append-signal';
import type { GlobalCursor } from '../../store/event-store';
import type { InMemoryEventStore } from '../../store/in-memory/in-memory-event-store';
import type { ParkedEvent } from '../checkpoint-store';
import { describeStatus } from '../describe-status';
import { compareCursors, cursorOf } from '../global-cursor';
import type { SubscriberDefinition } from '../subscriber-definition';
import type { SubscriberStatus } from '../subscriber-status';
import type { SubscriptionBackend } from '../subscription-backend';
import { SubscriptionRunner, type SubscriberState } from '../subscription-runner';
import { expandPartitions } from '../partition-views';
import { MemoryCheckpoints } from './memory-checkpoints';
import { MemoryPageApplier } from './memory-page-applier';

/** Whether a subscriber can run without a database: not a projection with TypeORM read models. @internal */
export function runsInMemory(definition: SubscriberDefinition): boolean {
  return !definition.keepsReadModels;
}

/** One process is the only instance: it always holds every subscriber. */
const SOLE_INSTANCE = {
  holds: (): boolean => true,
  tryLock: (): Promise<boolean> => Promise.resolve(true),
  unlock: (): Promise<void> => Promise.resolve(),
};

/**
 * `Subscriptions` under `database: 'memory'`: async projections and durable event
 * handlers run on the in-memory store with the PostgreSQL runner's loop (gap-safe reads,
 * retries, parking, rebuilds), their checkpoints and parked events in memory. Handlers
 * get no entity manager. Sagas run here too, on `MemorySagaStore`. @internal
 */
export class MemorySubscriptions implements SubscriptionBackend {
  /** Also what `Subscriptions` reads and sets for both stores alike (pause, waits, parked). */
  readonly checkpoints: MemoryCheckpoints;
  private readonly runners = new Map<string, SubscriptionRunner>();
  private detach: (() => void) | undefined;

  constructor(
    private readonly store: InMemoryEventStore,
    private readonly signal: AppendSignal,
    private readonly options: ResolvedOptions,
    private readonly logger: Logger,
  ) {
    this.checkpoints = new MemoryCheckpoints(store);
  }

  start(definitions: readonly SubscriberDefinition[], inline: readonly SubscriberDefinition[] = []): void {
    const skipped = [...definitions, ...inline].filter((d) => !runsInMemory(d)).map((d) => `${d.owner} (${d.kind})`);
    if (skipped.length > 0) {
      this.logger.warn(
        `database: 'memory' does not run ${skipped.join(', ')}: projections that keep TypeORM read models need PostgreSQL.`,
      );
    }
    const { subscriptions } = this.options;
    if (!subscriptions.run) {
      this.logger.log(`${definitions.length} subscriber(s) not run here (subscriptions.run is false)`);
      return;
    }
    this.detach = this.signal.on(() => {
      for (const runner of this.runners.values()) runner.wake();
    });
    for (const definition of expandPartitions(definitions)) {
      if (!runsInMemory(definition)) continue;
      const runner = new SubscriptionRunner(
        definition,
        {
          store: this.store,
          checkpoints: this.checkpoints,
          applier: new MemoryPageApplier(definition, this.checkpoints, this.logger),
          lease: SOLE_INSTANCE,
          logger: this.logger,
        },
        { batchSize: this.options.batchSize, ...subscriptions },
      );
      this.runners.set(definition.name, runner);
      runner.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
    this.detach?.();
  }

  async status(views: readonly SubscriberDefinition[]): Promise<SubscriberStatus[]> {
    const [head, parked] = await Promise.all([this.checkpoints.head(), this.checkpoints.parkedCounts()]);
    return Promise.all(
      views.map((definition) =>
        describeStatus(definition, {
          checkpoints: this.checkpoints,
          inspector: this.checkpoints,
          head,
          holder: undefined,
          parked: parked.get(definition.name) ?? 0,
          runner: this.runners.get(definition.name),
          heldBackAfterMs: this.options.subscriptions.heldBackAfterMs,
        }),
      ),
    );
  }

  /** Resets (with no manager) and rewinds every checkpoint of it, between two of their batches. */
  async rebuild(definition: SubscriberDefinition, keys: readonly string[]): Promise<void> {
    const rebuild = async (): Promise<void> => {
      for (const key of keys) {
        if ((await this.checkpoints.load(key)).status === 'paused') {
          throw new UnsupportedOperationError(`"${definition.name}" is paused; resume it before a rebuild.`);
        }
      }
      await definition.reset!(undefined);
      for (const key of keys) await this.checkpoints.rewind(key);
    };
    await this.holdCheckpoints(keys, rebuild);
    for (const key of keys) this.wake(key);
  }

  /** Each checkpoint held in turn, `work` inside them all. */
  holdCheckpoints<T>(
    keys: readonly string[],
    work: (cursors: ReadonlyMap<string, GlobalCursor>, manager: undefined) => Promise<T>,
  ): Promise<T> {
    const cursors = new Map<string, GlobalCursor>();
    const held = keys.reduceRight<() => Promise<T>>(
      (inner, key) => () =>
        this.checkpoints.exclusive(key, async () => {
          cursors.set(key, (await this.checkpoints.load(key)).cursor);
          return inner();
        }),
      () => work(cursors, undefined),
    );
    return held();
  }

  /** As `Subscriptions.retryParked`, once it found the parked record. */
  async retryParked(definition: SubscriberDefinition, parked: ParkedEvent): Promise<'resumed' | 'handled'> {
    const { name } = definition;
    const { eventId } = parked;
    const event = await this.checkpoints.event(eventId);
    if (!event) throw new ParkedEventNotFoundError(name, eventId);
    const checkpoints = this.checkpoints;
    const resumed = await checkpoints.exclusive(name, async () => {
      const checkpoint = await checkpoints.load(name);
      if (checkpoint.status !== 'parked' || compareCursors(cursorOf(event), checkpoint.cursor) <= 0) return false;
      await checkpoints.unpark(name, eventId);
      await checkpoints.setStatus(name, 'active', null);
      return true;
    });
    if (resumed) {
      this.wake(name);
      return 'resumed';
    }
    await checkpoints.exclusive(name, async () => {
      if (!(await checkpoints.unpark(name, eventId))) throw new ParkedEventNotFoundError(name, eventId);
      try {
        await definition.handle(event, { manager: undefined, replaying: false, attempt: parked.attempts + 1 });
      } catch (error) {
        // Parked again, its tries added up, as PostgreSQL's rolled-back removal leaves it.
        await checkpoints.park(name, event, errorMessage(error), parked.attempts + 1);
        throw error;
      }
    });
    return 'handled';
  }

  /** As `Subscriptions.dismissParked`, once it found the parked record. */
  async dismissParked(name: string, eventId: string): Promise<void> {
    const event = await this.checkpoints.event(eventId);
    await this.checkpoints.exclusive(name, async () => {
      const checkpoint = await this.checkpoints.load(name);
      await this.checkpoints.unpark(name, eventId);
      if (event && checkpoint.status === 'parked' && compareCursors(cursorOf(event), checkpoint.cursor) > 0) {
        await this.checkpoints.move(name, {
          from: checkpoint.cursor,
          to: cursorOf(event),
          lastPosition: event.position,
          status: 'active',
          error: null,
        });
      }
    });
    this.wake(name);
  }

  wake(name: string): void {
    this.runners.get(name)?.wake();
  }

  /** One instance: looking again is reading again. */
  poke(name: string): void {
    this.wake(name);
  }

  lastCursor(): Promise<GlobalCursor | undefined> {
    return this.checkpoints.lastCursor();
  }

  localState(name: string): SubscriberState | undefined {
    return this.runners.get(name)?.state;
  }
}
