import { DomainError } from '../errors/domain-error';
import { errorMessage } from '../errors/error-message';
import { EventSourcingError } from '../errors/event-sourcing-error';
import { InvalidQueryError } from '../errors/invalid-query-error';

/** How a saga instance stands. */
export type SagaStatus = 'active' | 'completed' | 'failed';

/** A deadline as its `@OnSagaDeadline` method gets it. */
export interface SagaDeadline<P = Record<string, unknown>> {
  name: string;
  dueAt: Date;
  payload: P;
}

/** A command that failed for good, as its `@OnSagaCommandFailure` method gets it. */
export interface SagaCommandFailure<C = object> {
  command: C;
  /** The command's class name. */
  commandType: string;
  /** The error's stable code when it has one (`ES_DOMAIN_RULE`, …), else its name. */
  code: string;
  message: string;
  /** The business rule, for a `DomainError`. */
  rule?: string;
}

/** The failure as its method gets it, from the command and what it threw. @internal */
export function sagaCommandFailure(command: object, commandType: string, error: unknown): SagaCommandFailure {
  return {
    command,
    commandType,
    code: error instanceof EventSourcingError ? error.code : error instanceof Error ? error.name : 'UNKNOWN',
    message: errorMessage(error),
    ...(error instanceof DomainError ? { rule: error.rule } : {}),
  };
}

/** What a saga method decided, for the engine to store. @internal */
export interface SagaOutcome {
  commands: object[];
  scheduled: Map<string, { dueAt: Date; payload: Record<string, unknown> }>;
  cancelled: Set<string>;
  ended?: { status: Exclude<SagaStatus, 'active'>; reason?: string };
}

/**
 * What a saga method works with: the instance's state (change it in place or assign a
 * new object; it is stored as JSON), and the effects it may ask for. Commands,
 * deadlines and the end are stored with the state, in the transaction that moves the
 * saga's checkpoint, and carried out after it commits.
 */
export class SagaContext<S extends object = Record<string, unknown>> {
  /** @internal */
  readonly outcome: SagaOutcome = { commands: [], scheduled: new Map(), cancelled: new Set() };

  constructor(
    /** The instance's id (a UUID). */
    readonly sagaId: string,
    /** The saga's name, from `@DurableSaga`. */
    readonly sagaType: string,
    /** The correlation value that names the instance (the `transferId`, say). */
    readonly correlation: string,
    /** The instance's state; `{}` at the start. */
    public state: S,
  ) {}

  /**
   * Dispatches a command through the `CommandBus` once this step is stored. It carries
   * the event's correlation id, and the event's id is the causation id of what it stores.
   * Delivery is at least once: make the command idempotent (by the saga's correlation,
   * say) where running it twice would matter.
   */
  dispatch(command: object): void {
    if (command === null || typeof command !== 'object') {
      throw new InvalidQueryError('command', command, 'dispatch a command instance');
    }
    this.outcome.commands.push(command);
  }

  /**
   * Sets (or moves) the deadline of that name: at a time, or after some milliseconds.
   * It is stored, so it fires after a restart too; ending the saga cancels it.
   * @throws InvalidQueryError for an invalid time.
   */
  schedule(name: string, due: Date | { afterMs: number }, payload: Record<string, unknown> = {}): void {
    const dueAt = due instanceof Date ? due : new Date(Date.now() + due.afterMs);
    if (Number.isNaN(dueAt.getTime())) throw new InvalidQueryError('due', due, 'give a valid Date or { afterMs }');
    this.outcome.cancelled.delete(name);
    this.outcome.scheduled.set(name, { dueAt, payload });
  }

  /** Cancels the deadline of that name, if set. */
  cancel(name: string): void {
    this.outcome.scheduled.delete(name);
    this.outcome.cancelled.add(name);
  }

  /** Ends the instance as done; later events of it are ignored and its deadlines cancelled. */
  complete(reason?: string): void {
    this.outcome.ended = { status: 'completed', reason };
  }

  /** Ends the instance as failed, with the reason. */
  fail(reason: string): void {
    this.outcome.ended = { status: 'failed', reason };
  }

  /** Whether this step ends the instance. */
  get ending(): boolean {
    return this.outcome.ended !== undefined;
  }
}
