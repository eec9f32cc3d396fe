import { errorMessage } from '../errors/error-message';
import type { Logger } from '@nestjs/common';
import { CheckpointConflictError } from '../errors/checkpoint-conflict-error';
import type { EventEnvelope } from '../events/event-envelope';
import type { EventStore, GlobalCursor } from '../store/event-store';
import type { CheckpointStore } from './checkpoint-store';
import type { BatchOutcome, PageApplier } from './page-applier';
import { compareCursors, cursorOf } from './global-cursor';
import type { SubscriberDefinition } from './subscriber-definition';

/**
 * Where a subscriber is, as its runner sees it:
 * - `standby`: another instance holds it; `starting`: not yet known;
 * - `running`: catching up; `caught-up`: nothing left below the horizon;
 * - `rebuilding`: replaying history after a reset;
 * - `parked`: stopped at an event that failed every retry;
 * - `stopped`: paused, or not running anywhere;
 * - `failing`: errors (a database outage, say), backing off and trying again;
 * - `held-back`: caught up, but a transaction open elsewhere on the server hides later events.
 */
export type SubscriberState =
  'starting' | 'standby' | 'running' | 'caught-up' | 'rebuilding' | 'parked' | 'stopped' | 'failing' | 'held-back';

/** Timings of the runners. @internal */
export interface RunnerSettings {
  batchSize: number;
  pollIntervalMs: number;
  leaseRetryMs: number;
  maxBackoffMs: number;
}

/** What the runner needs besides its definition. @internal */
export interface RunnerDeps {
  store: EventStore;
  /** The checkpoints: PostgreSQL's `CheckpointStore`, or the in-memory ones. */
  checkpoints: Pick<CheckpointStore, 'load' | 'horizon' | 'move'>;
  applier: PageApplier;
  lease: RunnerLease;
  logger: Logger;
}

/** How a runner holds its subscriber (or partition) on one instance at a time. @internal */
export interface RunnerLease {
  holds(name: string): boolean;
  tryLock(name: string): Promise<boolean>;
  unlock(name: string): Promise<void>;
  /** Whether this instance holds more than its share and should give this one up. */
  shouldRelease?(name: string): boolean;
}

const REBUILD_LOG_INTERVAL_MS = 5_000;

/**
 * Runs one subscriber on this instance while it holds its lock: reads the store after
 * its checkpoint in gap-safe order, hands each page to the subscriber, and moves the
 * checkpoint by compare-and-set (in the page's transaction, for projections). Retries a
 * failing event with backoff, then parks it. Never throws: errors are logged, backed
 * off and tried again, so a database outage only pauses it. @internal
 */
export class SubscriptionRunner {
  state: SubscriberState = 'starting';
  lastError: { message: string; at: Date } | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastProgressLog = 0;
  /** A page waiting for more events (`debounceMs`): since when, and when it last grew. */
  private debounce: { since: number; last: number; seen: number } | undefined;
  private readonly batches: PageApplier;

  constructor(
    readonly definition: SubscriberDefinition,
    private readonly deps: RunnerDeps,
    private readonly settings: RunnerSettings,
  ) {
    this.batches = deps.applier;
  }

  get name(): string {
    return this.definition.name;
  }

  /** Whether this instance runs the subscriber now. */
  get active(): boolean {
    return this.deps.lease.holds(this.name);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks at the store now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Finishes the page in hand, then gives the lock up. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.deps.lease.unlock(this.name);
    this.state = 'stopped';
  }

  private async run(): Promise<void> {
    let failures = 0;
    let hiddenDelay = 5;
    while (!this.stopped) {
      try {
        if (!this.deps.lease.holds(this.name)) {
          if (!(await this.deps.lease.tryLock(this.name))) {
            this.state = 'standby';
            await this.sleep(this.settings.leaseRetryMs);
            continue;
          }
          this.deps.logger.log(`${this.name}: running on this instance`);
        } else if (this.deps.lease.shouldRelease?.(this.name)) {
          // Between two pages: another instance may take it from here, at its checkpoint.
          await this.deps.lease.unlock(this.name);
          this.deps.logger.log(`${this.name}: handed over (this instance holds more than its share)`);
          this.state = 'standby';
          await this.sleep(this.settings.leaseRetryMs);
          continue;
        }
        const next = await this.step();
        if (failures > 0) this.deps.logger.log(`${this.name}: recovered`);
        failures = 0;
        this.lastError = undefined;
        // While an open transaction hides committed events, look again soon, backing off.
        hiddenDelay = next === 'soon' ? Math.min(hiddenDelay * 2, this.settings.pollIntervalMs) : 5;
        if (next !== 'more') await this.sleep(next === 'soon' ? hiddenDelay : this.settings.pollIntervalMs);
      } catch (error) {
        if (this.stopped) break;
        if (error instanceof CheckpointConflictError) {
          this.deps.logger.warn(error.message);
          continue;
        }
        failures++;
        this.state = 'failing';
        this.lastError = { message: errorMessage(error), at: new Date() };
        const delay = Math.min(this.settings.maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 10));
        if (failures === 1 || failures % 10 === 0) {
          this.deps.logger.warn(`${this.name}: ${this.lastError.message}; trying again in ${delay} ms`);
        }
        await this.sleep(delay);
      }
    }
  }

  /**
   * Handles one page. Says what to do next: read on at once, look again soon (events are
   * committed but hidden behind an open transaction), or wait for a wake-up or the poll.
   */
  private async step(): Promise<'more' | 'soon' | 'idle'> {
    const { checkpoints, store } = this.deps;
    const checkpoint = await checkpoints.load(this.name);
    if (checkpoint.status === 'parked' || checkpoint.status === 'paused') {
      this.state = checkpoint.status === 'parked' ? 'parked' : 'stopped';
      return 'idle';
    }
    const replaying = checkpoint.status === 'rebuilding';
    const batchSize = this.definition.options.batchSize ?? this.settings.batchSize;
    // Taken before the read: every wanted event of an older transaction is in the page when it is not full.
    const horizon = await checkpoints.horizon();
    const page = await store.readAll({
      after: checkpoint.cursor,
      limit: batchSize,
      types: this.definition.types,
      ...(this.definition.partition ? { partition: this.definition.partition } : {}),
    });
    let cursor = checkpoint.cursor;
    if (!replaying && page.events.length < batchSize && (await this.debounced(page.events.length))) return 'more';
    this.debounce = undefined;
    if (page.events.length > 0) {
      this.state = replaying ? 'rebuilding' : 'running';
      const delivered = await this.deliver(cursor, page.events, replaying);
      // Parked and stopped (or shutting down): the next step reads the new status.
      if (delivered.halted) return 'more';
      cursor = delivered.cursor;
      if (replaying) this.logProgress(checkpoint.rebuildStartedAt, checkpoint.rebuildDone + BigInt(page.events.length));
    }
    if (page.events.length === batchSize || this.stopped) return 'more';
    // Nothing wanted is left below the horizon: the cursor may move up to it.
    const atHorizon = { transactionId: horizon.xmin, position: 0n };
    const target = compareCursors(atHorizon, cursor) > 0 ? atHorizon : cursor;
    if (replaying) {
      await checkpoints.move(this.name, { from: cursor, to: target, status: 'active' });
      this.logRebuildDone(checkpoint.rebuildStartedAt, checkpoint.rebuildDone + BigInt(page.events.length));
    } else if (target !== cursor) {
      await checkpoints.move(this.name, { from: cursor, to: target });
      this.definition.afterMove?.();
    }
    this.state = 'caught-up';
    return horizon.hidden ? 'soon' : 'idle';
  }

  /**
   * Whether a page that is not full waits for more (`debounceMs`): it waited, woken by an
   * append or not, and the page is to be read again. Each read that finds it grown waits
   * anew, never past `maxWaitMs` after the first.
   */
  private async debounced(size: number): Promise<boolean> {
    const { debounceMs, maxWaitMs } = this.definition.options;
    if (debounceMs === 0 || size === 0 || this.stopped) return false;
    const now = Date.now();
    if (!this.debounce) this.debounce = { since: now, last: now, seen: size };
    else if (size > this.debounce.seen) this.debounce = { ...this.debounce, last: now, seen: size };
    const until = Math.min(this.debounce.last + debounceMs, this.debounce.since + maxWaitMs);
    if (now >= until) return false;
    await this.sleep(until - now);
    return true;
  }

  /**
   * Hands a page over. A failing event is retried alone with backoff, then parked: the
   * rest of the page follows it (`'skip'`), or the subscriber halts at it (`'stop'`).
   */
  private async deliver(
    from: GlobalCursor,
    events: EventEnvelope[],
    replaying: boolean,
  ): Promise<{ cursor: GlobalCursor; halted: boolean }> {
    const { maxAttempts, retryBackoffMs, onFailure } = this.definition.options;
    let cursor = from;
    let rest = events;
    while (rest.length > 0) {
      const outcome = await this.batches.apply(cursor, rest, replaying, 1);
      cursor = outcome.cursor;
      if (!outcome.failed) break;
      let failed: BatchOutcome['failed'] = outcome.failed;
      const event = failed.event;
      for (let attempts = 1; failed; attempts++) {
        if (attempts >= maxAttempts) {
          await this.batches.park(cursor, event, failed.error, attempts);
          if (onFailure === 'stop') return { cursor, halted: true };
          cursor = cursorOf(event);
          break;
        }
        if (this.stopped) return { cursor, halted: true };
        const delay = Math.min(30_000, retryBackoffMs * 2 ** (attempts - 1));
        this.deps.logger.warn(
          `${this.name}: ${event.type} ${event.eventId} failed (try ${attempts} of ${maxAttempts}): ${errorMessage(failed.error)}; again in ${delay} ms`,
        );
        await this.sleep(delay, false);
        const retry = await this.batches.apply(cursor, [event], replaying, attempts + 1);
        cursor = retry.cursor;
        failed = retry.failed;
      }
      rest = rest.slice(rest.indexOf(event) + 1);
    }
    return { cursor, halted: false };
  }

  private logProgress(startedAt: Date | null, done: bigint): void {
    const now = Date.now();
    if (now - this.lastProgressLog < REBUILD_LOG_INTERVAL_MS) return;
    this.lastProgressLog = now;
    const seconds = startedAt ? (now - startedAt.getTime()) / 1000 : 0;
    const rate = seconds > 0 ? Math.round(Number(done) / seconds) : 0;
    this.deps.logger.log(`${this.name}: rebuilding, ${done} events replayed (${rate} events/s)`);
  }

  private logRebuildDone(startedAt: Date | null, done: bigint): void {
    const seconds = startedAt ? (Date.now() - startedAt.getTime()) / 1000 : 0;
    const rate = seconds > 0 ? Math.round(Number(done) / seconds) : 0;
    this.deps.logger.log(`${this.name}: rebuild done, ${done} events in ${seconds.toFixed(1)} s (${rate} events/s)`);
  }

  /** Waits `ms`, or less when woken (unless `wakeable` is false) or stopped. */
  private sleep(ms: number, wakeable = true): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (wakeable && this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeUp === wake) this.wakeUp = undefined;
        if (wakeable) this.woken = false;
        resolve();
      };
      const wake = (): void => {
        if (wakeable || this.stopped) done();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = wake;
    });
  }
}
