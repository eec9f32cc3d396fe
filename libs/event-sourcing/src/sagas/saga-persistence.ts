import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { SagaOutcome, SagaStatus } from './saga-context';

/** A saga instance as stored. */
export interface SagaInstance<S extends object = Record<string, unknown>> {
  sagaId: string;
  sagaType: string;
  correlation: string;
  /**
   * The tenant whose event started the instance (under `tenancy`, docs/tenancy.md);
   * absent for an untenanted one. Only that tenant's events find it.
   */
  tenantId?: string;
  state: S;
  /** Goes up by one with each stored step. */
  version: number;
  status: SagaStatus;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

/** A stored command of the outbox. @internal */
export interface CommandRow {
  command_id: string;
  saga_id: string;
  saga_type: string;
  command_type: string;
  payload: Record<string, unknown>;
  correlation_id: string | null;
  causation_id: string;
  attempts: number;
}

/** A deadline that fell due. @internal */
export interface DeadlineRow {
  saga_id: string;
  saga_type: string;
  name: string;
  due_at: Date;
  payload: Record<string, unknown>;
}

/**
 * What caused a step: its message id (event, deadline or command), correlation id, and
 * tenant (the event's, or the one stored with the deadline or command), which the
 * step's commands and deadlines keep. @internal
 */
export interface StepCause {
  messageId: string;
  correlationId: string | undefined;
  tenantId?: string | undefined;
}

/**
 * What names one instance: its saga type, tenant ('' for none) and correlation value, so
 * two tenants' events with one correlation value start and move two instances. @internal
 */
export interface SagaKey {
  sagaType: string;
  tenant: string;
  correlation: string;
}

/** The tenant column of an instance ('' for none). @internal */
export function tenantColumnOf(instance: SagaInstance): string {
  return instance.tenantId ?? '';
}

/** The pending deadlines and commands of an instance, for its description. @internal */
export interface SagaInstanceWork {
  deadlines: { name: string; dueAt: Date }[];
  pendingCommands: number;
}

/**
 * Where saga instances, their handled message ids, deadlines and the command outbox are
 * kept: PostgreSQL (`PostgresSagaStore`, `Tx` a query runner) or process memory
 * (`MemorySagaStore`). The engine and the worker run the same steps on either; what
 * takes a `tx` runs in that transaction, which commits or rolls back as a whole.
 * @internal
 */
export interface SagaPersistence<Tx> {
  /** Runs `work` in a transaction of its own: kept when it resolves, undone when it throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in the transaction a subscriber's page is delivered in (its manager, on
   * PostgreSQL), so the step commits with the checkpoint; in one of its own without one.
   */
  inDelivery<T>(manager: EntityManager | undefined, work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Whether an error means the storage is away (wait and try again), not a failure of the work. */
  isAway(error: unknown): Promise<boolean>;

  /** The instance, locked until `tx` ends: by id, or by its type, tenant ('' for none) and correlation. */
  lock(tx: Tx, by: SagaKey | { sagaId: string }): Promise<SagaInstance | undefined>;
  insert(tx: Tx, instance: SagaInstance, startedBy: string): Promise<void>;
  /** Records that the instance handles a message; false when it did already. */
  markHandled(tx: Tx, sagaId: string, messageId: string): Promise<boolean>;
  /**
   * Stores a step: the new state (if the instance is still at the version it was read
   * at), the commands to dispatch (ids derived from the cause, so a step stored twice
   * queues each command once), the deadlines set and cancelled, and the end.
   * @throws ConcurrencyError when the instance moved since it was read.
   */
  saveStep(
    tx: Tx,
    instance: SagaInstance,
    state: object,
    outcome: SagaOutcome,
    cause: StepCause,
    serialize: (command: object) => { type: string; payload: Record<string, unknown> },
  ): Promise<void>;

  /** Deadlines of these saga types that fell due, oldest first, without locks (see `takeDeadline`). */
  dueDeadlines(sagaTypes: string[], limit: number): Promise<DeadlineRow[]>;
  /** Moves a deadline whose method failed a little later. */
  postponeDeadline(sagaId: string, name: string, delayMs: number): Promise<void>;
  /**
   * Locks a due deadline until `tx` ends, unless it is gone, moved, or being fired by
   * another instance. Lock the saga first: a step locks its saga and then changes its
   * deadlines, so the same order here cannot deadlock with it.
   */
  takeDeadline(tx: Tx, sagaId: string, name: string): Promise<DeadlineRow | undefined>;
  deleteDeadline(tx: Tx, sagaId: string, name: string): Promise<void>;
  /** When the next deadline of these saga types falls due, if any. */
  nextDeadline(sagaTypes: string[]): Promise<Date | undefined>;

  /**
   * Takes the oldest command due for dispatch, on a lease: its next try moves `leaseMs`
   * ahead at once, and no transaction stays open while the command runs. If the
   * process dies before it records the outcome, another takes the command when the
   * lease runs out. Only types this instance knows: in a rolling deploy, newer work
   * waits for a newer instance.
   */
  claimCommand(
    leaseMs: number,
    known: { sagaTypes: string[]; commandTypes: string[] },
  ): Promise<CommandRow | undefined>;
  /**
   * Records a claimed command's outcome (in `tx`, or on its own), if the claim still
   * holds: a worker whose lease ran out records nothing. True when it was recorded.
   */
  finishCommand(tx: Tx | undefined, claim: CommandRow, error?: string): Promise<boolean>;
  /** Sets a claimed command's next try, if the claim still holds. */
  postponeCommand(claim: CommandRow, delayMs: number, error: string): Promise<void>;

  get(sagaId: string): Promise<SagaInstance | undefined>;
  byCorrelation(key: SagaKey): Promise<SagaInstance | undefined>;
  /** Instances of a saga type, newest first; of one tenant ('' for none) when `tenant` is given. */
  list(sagaType: string, status: SagaStatus | undefined, limit: number, tenant?: string): Promise<SagaInstance[]>;
  details(sagaId: string): Promise<SagaInstanceWork>;
}

/**
 * The id of a step's command: a UUID derived from the saga, the message that caused the
 * step and the command's place in it, so a step stored twice queues each command once.
 * @internal
 */
export function commandIdOf(sagaId: string, messageId: string, index: number): string {
  const hex = createHash('sha256').update(`${sagaId}:${messageId}:${index}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 3) | 8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
