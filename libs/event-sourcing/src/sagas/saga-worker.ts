import { errorMessage, errorStack } from '../errors/error-message';
import type { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { ConcurrencyError } from '../errors/concurrency-error';
import { EventSourcingError } from '../errors/event-sourcing-error';
import type { MessageContext } from '../events/message-context';
import type { DeadlineFence } from './deadline-fence';
import type { SagaDefinition } from './saga-definition';
import { tenantOfPayload, traceOfCommand, type SagaEngine } from './saga-engine';
import { continueTrace } from '../observability/trace-context';
import type { DeadlineRow, SagaPersistence } from './saga-persistence';

/** What the worker needs. @internal */
export interface SagaWorkerDeps<Tx> {
  store: SagaPersistence<Tx>;
  engine: SagaEngine<Tx>;
  fence: DeadlineFence;
  definitions: Map<string, SagaDefinition>;
  commandClasses: Map<string, abstract new (...args: never[]) => object>;
  commandBus: CommandBus | undefined;
  context: MessageContext;
  logger: Logger;
  pollIntervalMs: number;
  maxBackoffMs: number;
}

/** Tries of a command that fails with something other than a broken rule. */
const COMMAND_ATTEMPTS = 10;
/** How long a claimed command is reserved for the process running it. */
const COMMAND_LEASE_MS = 30_000;
/** Pause before a deadline whose method threw fires again. */
const DEADLINE_RETRY_MS = 5_000;
/** Pauses while deadlines wait for their saga's subscription: the first, doubling up to the last. */
const FENCE_PAUSE_MS = 5;
const FENCE_MAX_PAUSE_MS = 100;

/**
 * Carries out what saga steps stored, on PostgreSQL or in memory: fires deadlines that fell due (each in a
 * transaction that locks it, `FOR UPDATE SKIP LOCKED`), once the saga's subscription has
 * read every event committed before they were found due (see `DeadlineFence`), and dispatches the queued
 * commands through the `CommandBus` (each claimed on a lease), so every instance of the
 * app may run one and none takes the same work. A command that breaks a business rule (or fails ten times) goes to
 * the saga's `@OnSagaCommandFailure` method, in the same transaction. @internal
 */
export class SagaWorker<Tx> {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private fencePause = FENCE_PAUSE_MS;
  /** Whether due deadlines wait for their saga's subscription (see `DeadlineFence`). */
  private held = false;

  constructor(private readonly deps: SagaWorkerDeps<Tx>) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks for work now: a step was stored. */
  kick(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** A saga's subscription moved on: deadlines that wait for it may fire now. */
  checkpointMoved(): void {
    if (this.held) this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        let busy = true;
        while (busy && !this.stopped) {
          // Both, every time: a deadline that keeps failing must not hold the commands up.
          const deadlines = await this.fireDeadlines();
          const dispatched = await this.dispatchOne();
          busy = deadlines.fired || dispatched;
          this.held = deadlines.held;
          if (deadlines.fired) this.fencePause = FENCE_PAUSE_MS;
        }
        failures = 0;
        if (this.held) {
          // Due deadlines wait for their saga's subscription, woken to catch up: look again soon.
          await this.sleep(this.fencePause);
          this.fencePause = Math.min(this.fencePause * 2, FENCE_MAX_PAUSE_MS, this.deps.pollIntervalMs);
          continue;
        }
        this.fencePause = FENCE_PAUSE_MS;
        const next = await this.deps.store.nextDeadline([...this.deps.definitions.keys()]);
        // At least a moment: a due deadline another instance is firing must not spin this loop.
        const untilNext = next ? Math.max(25, next.getTime() - Date.now()) : Number.POSITIVE_INFINITY;
        await this.sleep(Math.min(this.deps.pollIntervalMs, untilNext));
      } catch (error) {
        if (this.stopped) break;
        failures++;
        if (failures === 1 || failures % 10 === 0) {
          this.deps.logger.warn(`Saga worker: ${errorMessage(error)}`);
        }
        await this.sleep(Math.min(this.deps.maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 10)));
      }
    }
  }

  /**
   * Fires the deadlines due now, each in a transaction of its own, saga by saga, once the
   * saga's subscription is past the fence; says whether it fired some and whether some wait.
   */
  private async fireDeadlines(): Promise<{ fired: boolean; held: boolean }> {
    let fired = false;
    let held = false;
    for (const [sagaType, definition] of this.deps.definitions) {
      const due = await this.deps.store.dueDeadlines([sagaType], 20);
      if (due.length === 0) continue;
      const until = await this.deps.fence.open(sagaType);
      for (const deadline of due) {
        // Fallen due after the fence was taken: it waits for a fence of its own.
        if (!until || deadline.due_at > until) held = true;
        else fired = (await this.fire(definition, deadline)) || fired;
      }
    }
    return { fired, held };
  }

  /** Fires one deadline; a method that throws moves it a little later. */
  private async fire(definition: SagaDefinition, deadline: DeadlineRow): Promise<boolean> {
    const { store, engine, logger } = this.deps;
    try {
      // Its step runs for the tenant of the step that set it (what it reads, what it decides).
      return await this.deps.context.runInTenantOf({ tenantId: tenantOfPayload(deadline.payload) }, () =>
        this.inTransaction((tx) => engine.fireDeadline(definition, deadline, tx)),
      );
    } catch (error) {
      if (await this.deps.store.isAway(error)) throw error;
      // Its method threw: the step rolled back; try it again a little later.
      logger.error(
        `Saga ${deadline.saga_type} ${deadline.saga_id}: deadline "${deadline.name}" failed, again in ${DEADLINE_RETRY_MS} ms: ${errorMessage(error)}`,
        errorStack(error),
      );
      await store.postponeDeadline(deadline.saga_id, deadline.name, DEADLINE_RETRY_MS);
      return false;
    }
  }

  /** Dispatches the oldest pending command this instance knows; true when there was one. */
  private async dispatchOne(): Promise<boolean> {
    const { store, engine, logger, definitions, commandClasses } = this.deps;
    if (!this.deps.commandBus) return false;
    const row = await store.claimCommand(COMMAND_LEASE_MS, {
      sagaTypes: [...definitions.keys()],
      commandTypes: [...commandClasses.keys()],
    });
    if (!row) return false;
    const definition = definitions.get(row.saga_type)!;
    const command = engine.deserialize(row, commandClasses.get(row.command_type)!);
    // What it stores is caused by the saga's message (the event, deadline or failure that
    // decided it); not enumerable, so it stays out of the command's data.
    Object.defineProperty(command, 'commandId', { value: row.causation_id, enumerable: false });
    try {
      // The command continues the trace of the step that decided it, for the step's tenant.
      const tenantId = tenantOfPayload(row.payload);
      const ids = { correlationId: row.correlation_id ?? row.saga_id, causationId: row.causation_id };
      await continueTrace(traceOfCommand(row), () =>
        this.deps.context.run({ ...ids, ...(tenantId === undefined ? {} : { tenantId }) }, () =>
          this.deps.commandBus!.execute(command as never),
        ),
      );
    } catch (error) {
      if (await this.deps.store.isAway(error)) throw error;
      const message = errorMessage(error);
      if (!isFinal(error) && row.attempts < COMMAND_ATTEMPTS) {
        await store.postponeCommand(row, 100 * 2 ** (row.attempts - 1), message);
        return true;
      }
      try {
        // The failure and the saga's compensation are stored together, if the claim still holds.
        await this.deps.context.runInTenantOf({ tenantId: tenantOfPayload(row.payload) }, () =>
          this.inTransaction(async (tx) => {
            if (await store.finishCommand(tx, row, message)) {
              await engine.commandFailed(definition, row, command, error, tx);
            }
            return true;
          }),
        );
      } catch (compensation) {
        if (await this.deps.store.isAway(compensation)) throw compensation;
        await store.finishCommand(undefined, row, `${message}; compensation failed: ${errorMessage(compensation)}`);
        logger.error(
          `Saga ${row.saga_type} ${row.saga_id}: the failure method for ${row.command_type} threw`,
          errorStack(compensation),
        );
      }
      return true;
    }
    await store.finishCommand(undefined, row);
    return true;
  }

  private async inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const result = await this.deps.store.transaction(work);
    if (result) this.kick();
    return result;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

/**
 * Errors that running the command again cannot fix: a broken business rule, bad input,
 * an unknown aggregate. A version conflict left after the handler's own retries, and
 * anything unknown, are tried again later.
 */

function isFinal(error: unknown): boolean {
  if (error instanceof ConcurrencyError) return !error.retryable;
  return error instanceof EventSourcingError;
}
