import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import { ConcurrencyError } from '../../errors/concurrency-error';
import type { SagaOutcome, SagaStatus } from '../saga-context';
import {
  commandIdOf,
  type CommandRow,
  type DeadlineRow,
  type SagaInstance,
  type SagaInstanceWork,
  type SagaPersistence,
  type StepCause,
} from '../saga-persistence';

/** A transaction of the in-memory saga store: what to undo, newest last, if it fails. @internal */
export class MemorySagaTransaction {
  readonly undo: (() => void)[] = [];
}

interface StoredSaga {
  instance: SagaInstance;
  handled: Set<string>;
  /** Insertion order, for instances created in the same millisecond. */
  seq: number;
}

interface StoredCommand extends CommandRow {
  seq: number;
  status: 'pending' | 'done' | 'failed';
  nextAttemptAt: number;
  error: string | null;
}

/**
 * Saga instances, handled message ids, deadlines and the command outbox of
 * `database: 'memory'`, in process memory, with the semantics of `PostgresSagaStore`:
 * transactions run one at a time (the process is the only instance, so that is what
 * the row locks come to) and are undone change by change when they throw; reads wait
 * for the transaction in progress, so they never see half a step, except from inside
 * it. Deadlines fall due on the process clock; nothing survives the process. @internal
 */
export class MemorySagaStore implements SagaPersistence<MemorySagaTransaction> {
  private readonly sagas = new Map<string, StoredSaga>();
  private readonly idsByCorrelation = new Map<string, string>();
  private readonly deadlines = new Map<string, DeadlineRow>();
  private readonly commands = new Map<string, StoredCommand>();
  private readonly inside = new AsyncLocalStorage<MemorySagaTransaction>();
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;

  transaction<T>(work: (tx: MemorySagaTransaction) => Promise<T>): Promise<T> {
    const outer = this.inside.getStore();
    if (outer) return work(outer);
    return this.serially(() => {
      const tx = new MemorySagaTransaction();
      return this.inside.run(tx, async () => {
        try {
          return await work(tx);
        } catch (error) {
          for (const undo of tx.undo.reverse()) undo();
          throw error;
        }
      });
    });
  }

  inDelivery<T>(_manager: EntityManager | undefined, work: (tx: MemorySagaTransaction) => Promise<T>): Promise<T> {
    return this.transaction(work);
  }

  /** Process memory is never away. */
  async isAway(): Promise<boolean> {
    return false;
  }

  async lock(
    _tx: MemorySagaTransaction,
    by: { sagaType: string; correlation: string } | { sagaId: string },
  ): Promise<SagaInstance | undefined> {
    const sagaId = 'sagaId' in by ? by.sagaId : this.idsByCorrelation.get(correlationKey(by.sagaType, by.correlation));
    const stored = sagaId === undefined ? undefined : this.sagas.get(sagaId);
    return stored && copyInstance(stored.instance);
  }

  async insert(tx: MemorySagaTransaction, instance: SagaInstance): Promise<void> {
    const key = correlationKey(instance.sagaType, instance.correlation);
    if (this.idsByCorrelation.has(key)) {
      throw new ConcurrencyError(`saga-${instance.sagaType}-${instance.correlation}`, 0, 1);
    }
    this.sagas.set(instance.sagaId, { instance: copyInstance(instance), handled: new Set(), seq: this.seq++ });
    this.idsByCorrelation.set(key, instance.sagaId);
    tx.undo.push(() => {
      this.sagas.delete(instance.sagaId);
      this.idsByCorrelation.delete(key);
    });
  }

  async markHandled(tx: MemorySagaTransaction, sagaId: string, messageId: string): Promise<boolean> {
    const handled = this.stored(sagaId).handled;
    if (handled.has(messageId)) return false;
    handled.add(messageId);
    tx.undo.push(() => handled.delete(messageId));
    return true;
  }

  async saveStep(
    tx: MemorySagaTransaction,
    read: SagaInstance,
    state: object,
    outcome: SagaOutcome,
    cause: StepCause,
    serialize: (command: object) => { type: string; payload: Record<string, unknown> },
  ): Promise<void> {
    const stored = this.stored(read.sagaId);
    if (stored.instance.version !== read.version) {
      throw new ConcurrencyError(`saga-${read.sagaId}`, read.version, stored.instance.version);
    }
    // Serialized first: a command that cannot be stored leaves the step unchanged.
    const commands = outcome.commands.map((command) => serialize(command));
    const before = stored.instance;
    const now = new Date();
    const ended = outcome.ended;
    stored.instance = {
      ...before,
      state: jsonCopy(state) as Record<string, unknown>,
      version: before.version + 1,
      status: ended?.status ?? 'active',
      reason: ended?.reason ?? null,
      updatedAt: now,
      endedAt: ended ? now : null,
    };
    tx.undo.push(() => (stored.instance = before));
    for (const [index, { type, payload }] of commands.entries()) {
      const commandId = commandIdOf(read.sagaId, cause.messageId, index);
      if (this.commands.has(commandId)) continue;
      this.commands.set(commandId, {
        command_id: commandId,
        saga_id: read.sagaId,
        saga_type: read.sagaType,
        command_type: type,
        payload: jsonCopy(payload),
        correlation_id: cause.correlationId ?? null,
        causation_id: cause.messageId,
        attempts: 0,
        seq: this.seq++,
        status: 'pending',
        nextAttemptAt: 0,
        error: null,
      });
      tx.undo.push(() => this.commands.delete(commandId));
    }
    if (ended) {
      for (const [key, deadline] of this.deadlines) {
        if (deadline.saga_id === read.sagaId) this.removeDeadline(tx, key);
      }
      return;
    }
    for (const name of outcome.cancelled) this.removeDeadline(tx, deadlineKey(read.sagaId, name));
    for (const [name, { dueAt, payload }] of outcome.scheduled) {
      const key = deadlineKey(read.sagaId, name);
      const previous = this.deadlines.get(key);
      this.deadlines.set(key, {
        saga_id: read.sagaId,
        saga_type: read.sagaType,
        name,
        due_at: dueAt,
        payload: jsonCopy(payload),
      });
      tx.undo.push(() => (previous ? this.deadlines.set(key, previous) : this.deadlines.delete(key)));
    }
  }

  dueDeadlines(sagaTypes: string[], limit: number): Promise<DeadlineRow[]> {
    return this.read(() =>
      this.dueNow()
        .filter((d) => sagaTypes.includes(d.saga_type))
        .sort((a, b) => a.due_at.getTime() - b.due_at.getTime())
        .slice(0, limit)
        .map((d) => ({ ...d })),
    );
  }

  async postponeDeadline(sagaId: string, name: string, delayMs: number): Promise<void> {
    await this.read(() => {
      const deadline = this.deadlines.get(deadlineKey(sagaId, name));
      if (deadline) deadline.due_at = new Date(Date.now() + delayMs);
    });
  }

  async takeDeadline(_tx: MemorySagaTransaction, sagaId: string, name: string): Promise<DeadlineRow | undefined> {
    const deadline = this.deadlines.get(deadlineKey(sagaId, name));
    return deadline && deadline.due_at.getTime() <= Date.now() ? { ...deadline } : undefined;
  }

  async deleteDeadline(tx: MemorySagaTransaction, sagaId: string, name: string): Promise<void> {
    this.removeDeadline(tx, deadlineKey(sagaId, name));
  }

  nextDeadline(sagaTypes: string[]): Promise<Date | undefined> {
    return this.read(() => {
      let next: Date | undefined;
      for (const d of this.deadlines.values()) {
        if (sagaTypes.includes(d.saga_type) && (!next || d.due_at < next)) next = d.due_at;
      }
      return next;
    });
  }

  claimCommand(
    leaseMs: number,
    known: { sagaTypes: string[]; commandTypes: string[] },
  ): Promise<CommandRow | undefined> {
    return this.read(() => {
      const now = Date.now();
      // Map order is insertion order: the oldest command first.
      for (const command of this.commands.values()) {
        if (command.status !== 'pending' || command.nextAttemptAt > now) continue;
        if (!known.sagaTypes.includes(command.saga_type) || !known.commandTypes.includes(command.command_type))
          continue;
        command.attempts++;
        command.nextAttemptAt = now + leaseMs;
        return commandRow(command);
      }
      return undefined;
    });
  }

  async finishCommand(tx: MemorySagaTransaction | undefined, claim: CommandRow, error?: string): Promise<boolean> {
    const finish = (): boolean => {
      const command = this.claimed(claim);
      if (!command) return false;
      const before = { status: command.status, error: command.error };
      command.status = error === undefined ? 'done' : 'failed';
      command.error = error ?? null;
      tx?.undo.push(() => Object.assign(command, before));
      return true;
    };
    return tx ? finish() : this.read(finish);
  }

  async postponeCommand(claim: CommandRow, delayMs: number, error: string): Promise<void> {
    await this.read(() => {
      const command = this.claimed(claim);
      if (!command) return;
      command.error = error;
      command.nextAttemptAt = Date.now() + delayMs;
    });
  }

  get(sagaId: string): Promise<SagaInstance | undefined> {
    return this.read(() => {
      const stored = this.sagas.get(sagaId);
      return stored && copyInstance(stored.instance);
    });
  }

  byCorrelation(sagaType: string, correlation: string): Promise<SagaInstance | undefined> {
    return this.read(() => {
      const sagaId = this.idsByCorrelation.get(correlationKey(sagaType, correlation));
      const stored = sagaId === undefined ? undefined : this.sagas.get(sagaId);
      return stored && copyInstance(stored.instance);
    });
  }

  list(sagaType: string, status: SagaStatus | undefined, limit: number): Promise<SagaInstance[]> {
    return this.read(() =>
      [...this.sagas.values()]
        .filter(
          ({ instance }) => instance.sagaType === sagaType && (status === undefined || instance.status === status),
        )
        .sort((a, b) => b.instance.createdAt.getTime() - a.instance.createdAt.getTime() || b.seq - a.seq)
        .slice(0, limit)
        .map(({ instance }) => copyInstance(instance)),
    );
  }

  details(sagaId: string): Promise<SagaInstanceWork> {
    return this.read(() => ({
      deadlines: [...this.deadlines.values()]
        .filter((d) => d.saga_id === sagaId)
        .sort((a, b) => a.due_at.getTime() - b.due_at.getTime())
        .map((d) => ({ name: d.name, dueAt: d.due_at })),
      pendingCommands: [...this.commands.values()].filter((c) => c.saga_id === sagaId && c.status === 'pending').length,
    }));
  }

  /** Work that must not run beside a transaction: queued behind it, or at once from inside it. */
  private read<T>(work: () => T): Promise<T> {
    if (this.inside.getStore()) return Promise.resolve(work());
    return this.serially(async () => work());
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private stored(sagaId: string): StoredSaga {
    const stored = this.sagas.get(sagaId);
    if (!stored) throw new ConcurrencyError(`saga-${sagaId}`, 1, 0);
    return stored;
  }

  private dueNow(): DeadlineRow[] {
    const now = Date.now();
    return [...this.deadlines.values()].filter((d) => d.due_at.getTime() <= now);
  }

  /** The command, if the claim is still the one it holds. */
  private claimed(claim: CommandRow): StoredCommand | undefined {
    const command = this.commands.get(claim.command_id);
    return command && command.status === 'pending' && command.attempts === claim.attempts ? command : undefined;
  }

  private removeDeadline(tx: MemorySagaTransaction, key: string): void {
    const deadline = this.deadlines.get(key);
    if (!deadline) return;
    this.deadlines.delete(key);
    tx.undo.push(() => this.deadlines.set(key, deadline));
  }
}

function correlationKey(sagaType: string, correlation: string): string {
  return `${sagaType}\u0000${correlation}`;
}

function deadlineKey(sagaId: string, name: string): string {
  return `${sagaId}\u0000${name}`;
}

function commandRow(command: StoredCommand): CommandRow {
  const { seq: _seq, status: _status, nextAttemptAt: _next, error: _error, ...row } = command;
  return { ...row, payload: jsonCopy(row.payload) };
}

/** Stored as PostgreSQL stores jsonb: a copy, nothing shared with the caller. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function copyInstance(instance: SagaInstance): SagaInstance {
  return { ...instance, state: jsonCopy(instance.state) };
}
