import type { EntityManager } from 'typeorm';
import { ConcurrencyError } from '../../errors/concurrency-error';
import type { SagaOutcome, SagaStatus } from '../saga-context';
import {
  commandIdOf,
  type CommandRow,
  type DeadlineRow,
  type SagaInstance,
  type SagaInstanceWork,
  type SagaKey,
  type SagaPersistence,
  type StepCause,
  tenantColumnOf,
} from '../saga-persistence';
import { MemorySagaOutbox } from './memory-saga-outbox';
import { type MemorySagaTransaction, SerialTransactions } from './serial-transactions';
import { redactJson } from '../../store/personal-data/subject-erasers';

interface StoredSaga {
  instance: SagaInstance;
  handled: Set<string>;
  /** Insertion order, for instances created in the same millisecond. */
  seq: number;
}

/**
 * Saga instances, handled message ids, deadlines and the command outbox of
 * `database: 'memory'`, in process memory, with the semantics of `PostgresSagaStore`:
 * transactions run one at a time (`SerialTransactions`: the process is the only
 * instance, so that is what the row locks come to) and are undone when they throw.
 * Deadlines fall due on the process clock; nothing survives the process. @internal
 */
export class MemorySagaStore implements SagaPersistence<MemorySagaTransaction> {
  private readonly sagas = new Map<string, StoredSaga>();
  private readonly idsByCorrelation = new Map<string, string>();
  private readonly deadlines = new Map<string, DeadlineRow>();
  private readonly outbox = new MemorySagaOutbox();
  private readonly transactions = new SerialTransactions();
  private seq = 0;

  transaction<T>(work: (tx: MemorySagaTransaction) => Promise<T>): Promise<T> {
    return this.transactions.transaction(work);
  }

  inDelivery<T>(_manager: EntityManager | undefined, work: (tx: MemorySagaTransaction) => Promise<T>): Promise<T> {
    return this.transaction(work);
  }

  /** Process memory is never away. */
  async isAway(): Promise<boolean> {
    return false;
  }

  async lock(_tx: MemorySagaTransaction, by: SagaKey | { sagaId: string }): Promise<SagaInstance | undefined> {
    const sagaId = 'sagaId' in by ? by.sagaId : this.idsByCorrelation.get(correlationKey(by));
    const stored = sagaId === undefined ? undefined : this.sagas.get(sagaId);
    return stored && copyInstance(stored.instance);
  }

  async insert(tx: MemorySagaTransaction, instance: SagaInstance): Promise<void> {
    const key = correlationKey({ ...instance, tenant: tenantColumnOf(instance) });
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
      this.outbox.add(tx, {
        command_id: commandId,
        saga_id: read.sagaId,
        saga_type: read.sagaType,
        command_type: type,
        payload: jsonCopy(payload),
        correlation_id: cause.correlationId ?? null,
        causation_id: cause.messageId,
      });
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
    return this.transactions.outside(() =>
      this.dueNow()
        .filter((d) => sagaTypes.includes(d.saga_type))
        .sort((a, b) => a.due_at.getTime() - b.due_at.getTime())
        .slice(0, limit)
        .map((d) => ({ ...d })),
    );
  }

  async postponeDeadline(sagaId: string, name: string, delayMs: number): Promise<void> {
    await this.transactions.outside(() => {
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
    return this.transactions.outside(() => {
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
    return this.transactions.outside(() => this.outbox.claim(leaseMs, known));
  }

  async finishCommand(tx: MemorySagaTransaction | undefined, claim: CommandRow, error?: string): Promise<boolean> {
    return tx
      ? this.outbox.finish(tx, claim, error)
      : this.transactions.outside(() => this.outbox.finish(undefined, claim, error));
  }

  postponeCommand(claim: CommandRow, delayMs: number, error: string): Promise<void> {
    return this.transactions.outside(() => this.outbox.postpone(claim, delayMs, error));
  }

  get(sagaId: string): Promise<SagaInstance | undefined> {
    return this.transactions.outside(() => {
      const stored = this.sagas.get(sagaId);
      return stored && copyInstance(stored.instance);
    });
  }

  byCorrelation(key: SagaKey): Promise<SagaInstance | undefined> {
    return this.transactions.outside(() => {
      const sagaId = this.idsByCorrelation.get(correlationKey(key));
      const stored = sagaId === undefined ? undefined : this.sagas.get(sagaId);
      return stored && copyInstance(stored.instance);
    });
  }

  list(sagaType: string, status: SagaStatus | undefined, limit: number, tenant?: string): Promise<SagaInstance[]> {
    return this.transactions.outside(() =>
      [...this.sagas.values()]
        .filter(
          ({ instance }) =>
            instance.sagaType === sagaType &&
            (status === undefined || instance.status === status) &&
            (tenant === undefined || tenantColumnOf(instance) === tenant),
        )
        .sort((a, b) => b.instance.createdAt.getTime() - a.instance.createdAt.getTime() || b.seq - a.seq)
        .slice(0, limit)
        .map(({ instance }) => copyInstance(instance)),
    );
  }

  details(sagaId: string): Promise<SagaInstanceWork> {
    return this.transactions.outside(() => ({
      deadlines: [...this.deadlines.values()]
        .filter((d) => d.saga_id === sagaId)
        .sort((a, b) => a.due_at.getTime() - b.due_at.getTime())
        .map((d) => ({ name: d.name, dueAt: d.due_at })),
      pendingCommands: this.outbox.pendingOf(sagaId),
    }));
  }

  /**
   * Erases a forgotten subject's personal data from states, reasons, deadlines and queued
   * commands; of one tenant's instances only when `tenant` is given.
   */
  redact(texts: readonly string[], tenant?: string): void {
    const ids = new Set<string>();
    for (const { instance } of this.sagas.values()) {
      if (tenant !== undefined && tenantColumnOf(instance) !== tenant) continue;
      ids.add(instance.sagaId);
      instance.state = redactJson(instance.state, texts) as Record<string, unknown>;
      if (instance.reason !== null && texts.some((t) => instance.reason!.includes(t))) instance.reason = '[forgotten]';
    }
    for (const deadline of this.deadlines.values()) {
      if (!ids.has(deadline.saga_id)) continue;
      deadline.payload = redactJson(deadline.payload, texts) as Record<string, unknown>;
    }
    this.outbox.redact(texts, ids);
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

  private removeDeadline(tx: MemorySagaTransaction, key: string): void {
    const deadline = this.deadlines.get(key);
    if (!deadline) return;
    this.deadlines.delete(key);
    tx.undo.push(() => this.deadlines.set(key, deadline));
  }
}

function correlationKey({ sagaType, tenant, correlation }: SagaKey): string {
  return `${sagaType}\u0000${tenant}\u0000${correlation}`;
}

function deadlineKey(sagaId: string, name: string): string {
  return `${sagaId}\u0000${name}`;
}

/** Stored as PostgreSQL stores jsonb: a copy, nothing shared with the caller. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function copyInstance(instance: SagaInstance): SagaInstance {
  return { ...instance, state: jsonCopy(instance.state) };
}
