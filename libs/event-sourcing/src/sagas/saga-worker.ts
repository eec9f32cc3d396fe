import { errorMessage } from '../errors/error-message';
import type { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { DataSource, QueryRunner } from 'typeorm';
import { ConcurrencyError } from '../errors/concurrency-error';
import { EventSourcingError } from '../errors/event-sourcing-error';
import type { MessageContext } from '../events/message-context';
import { isDatabaseAway } from '../store/postgres/database-away';
import { inTransaction } from '../store/postgres/in-transaction';
import type { SagaDefinition } from './saga-definition';
import type { SagaEngine } from './saga-engine';
import type { SagaStore } from './saga-store';

/** What the worker needs. @internal */
export interface SagaWorkerDeps {
  dataSource: DataSource;
  store: SagaStore;
  engine: SagaEngine;
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

/**
 * Carries out what saga steps stored: fires deadlines that fell due (each in a
 * transaction that locks it, `FOR UPDATE SKIP LOCKED`) and dispatches the queued
 * commands through the `CommandBus` (each claimed on a lease), so every instance of the
 * app may run one and none takes the same work. A command that breaks a business rule (or fails ten times) goes to
 * the saga's `@OnSagaCommandFailure` method, in the same transaction. @internal
 */
export class SagaWorker {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(private readonly deps: SagaWorkerDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Looks for work now: a step was stored. */
  kick(): void {
    this.woken = true;
    this.wakeUp?.();
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
          const fired = await this.fireDeadlines();
          const dispatched = await this.dispatchOne();
          busy = fired || dispatched;
        }
        failures = 0;
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

  /** Fires the deadlines due now, each in a transaction of its own; true when it fired some. */
  private async fireDeadlines(): Promise<boolean> {
    const { store, engine, definitions, logger } = this.deps;
    let fired = false;
    for (const deadline of await store.dueDeadlines([...definitions.keys()], 20)) {
      try {
        fired =
          (await this.inTransaction((runner) =>
            engine.fireDeadline(definitions.get(deadline.saga_type)!, deadline, runner),
          )) || fired;
      } catch (error) {
        if (await isDatabaseAway(this.deps.dataSource, error)) throw error;
        // Its method threw: the step rolled back; try it again a little later.
        logger.error(
          `Saga ${deadline.saga_type} ${deadline.saga_id}: deadline "${deadline.name}" failed, again in ${DEADLINE_RETRY_MS} ms: ${errorMessage(error)}`,
          error instanceof Error ? error.stack : undefined,
        );
        await store.postponeDeadline(deadline.saga_id, deadline.name, DEADLINE_RETRY_MS);
      }
    }
    return fired;
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
      await this.deps.context.run(
        { correlationId: row.correlation_id ?? row.saga_id, causationId: row.causation_id },
        () => this.deps.commandBus!.execute(command as never),
      );
    } catch (error) {
      if (await isDatabaseAway(this.deps.dataSource, error)) throw error;
      const message = errorMessage(error);
      if (!isFinal(error) && row.attempts < COMMAND_ATTEMPTS) {
        await store.postponeCommand(row, 100 * 2 ** (row.attempts - 1), message);
        return true;
      }
      try {
        // The failure and the saga's compensation are stored together, if the claim still holds.
        await this.inTransaction(async (runner) => {
          if (await store.finishCommand(runner, row, message)) {
            await engine.commandFailed(definition, row, command, error, runner);
          }
          return true;
        });
      } catch (compensation) {
        if (await isDatabaseAway(this.deps.dataSource, compensation)) throw compensation;
        await store.finishCommand(undefined, row, `${message}; compensation failed: ${errorMessage(compensation)}`);
        logger.error(
          `Saga ${row.saga_type} ${row.saga_id}: the failure method for ${row.command_type} threw`,
          compensation instanceof Error ? compensation.stack : undefined,
        );
      }
      return true;
    }
    await store.finishCommand(undefined, row);
    return true;
  }

  private async inTransaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.deps.dataSource, work);
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
