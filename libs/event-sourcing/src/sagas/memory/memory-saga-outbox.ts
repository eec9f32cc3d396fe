import { redactJson } from '../../store/personal-data/subject-erasers';
import type { CommandRow } from '../saga-persistence';
import type { MemorySagaTransaction } from './serial-transactions';

interface StoredCommand extends CommandRow {
  status: 'pending' | 'done' | 'failed';
  nextAttemptAt: number;
  error: string | null;
}

/**
 * The command outbox of the in-memory saga store: commands in the order steps stored
 * them, each claimed on a lease and finished only by the claim that holds it, as
 * PostgreSQL's `es_saga_commands`. Its callers run it inside `SerialTransactions`.
 * @internal
 */
export class MemorySagaOutbox {
  private readonly commands = new Map<string, StoredCommand>();

  /** Erases a forgotten subject's personal data from the queued commands (see `eraseSagaCopies`). */
  redact(texts: readonly string[], sagaIds: ReadonlySet<string>): void {
    for (const command of this.commands.values()) {
      if (!sagaIds.has(command.saga_id)) continue;
      command.payload = redactJson(command.payload, texts) as Record<string, unknown>;
      if (command.error !== null && texts.some((t) => command.error!.includes(t))) command.error = '[forgotten]';
    }
  }

  /** Queues a command of a step, once per id; undone with the step. */
  add(tx: MemorySagaTransaction, row: Omit<CommandRow, 'attempts'>): void {
    if (this.commands.has(row.command_id)) return;
    this.commands.set(row.command_id, { ...row, attempts: 0, status: 'pending', nextAttemptAt: 0, error: null });
    tx.undo.push(() => this.commands.delete(row.command_id));
  }

  /** The oldest pending command due now, of a known type, claimed for `leaseMs`. */
  claim(leaseMs: number, known: { sagaTypes: string[]; commandTypes: string[] }): CommandRow | undefined {
    const now = Date.now();
    // Map order is insertion order: the oldest command first.
    for (const command of this.commands.values()) {
      if (command.status !== 'pending' || command.nextAttemptAt > now) continue;
      if (!known.sagaTypes.includes(command.saga_type) || !known.commandTypes.includes(command.command_type)) continue;
      command.attempts++;
      command.nextAttemptAt = now + leaseMs;
      const { status: _status, nextAttemptAt: _next, error: _error, ...row } = command;
      return { ...row, payload: JSON.parse(JSON.stringify(row.payload)) as Record<string, unknown> };
    }
    return undefined;
  }

  /** Records the outcome if the claim still holds (undone with `tx`, if given); true when it did. */
  finish(tx: MemorySagaTransaction | undefined, claim: CommandRow, error?: string): boolean {
    const command = this.claimed(claim);
    if (!command) return false;
    const before = { status: command.status, error: command.error };
    command.status = error === undefined ? 'done' : 'failed';
    command.error = error ?? null;
    tx?.undo.push(() => Object.assign(command, before));
    return true;
  }

  /** Sets the next try of a command whose claim still holds. */
  postpone(claim: CommandRow, delayMs: number, error: string): void {
    const command = this.claimed(claim);
    if (!command) return;
    command.error = error;
    command.nextAttemptAt = Date.now() + delayMs;
  }

  pendingOf(sagaId: string): number {
    let pending = 0;
    for (const c of this.commands.values()) if (c.saga_id === sagaId && c.status === 'pending') pending++;
    return pending;
  }

  /** The command, if the claim is still the one it holds. */
  private claimed(claim: CommandRow): StoredCommand | undefined {
    const command = this.commands.get(claim.command_id);
    return command && command.status === 'pending' && command.attempts === claim.attempts ? command : undefined;
  }
}
