import { Injectable } from '@nestjs/common';
import { MessageContext, type MessageIds } from '../events/message-context';
import { WarmScope } from './warm-scope';

/**
 * Work a higher layer runs when a command's handling ends, in its context, with how it
 * ended (`failure` when it threw): it may throw an error of its own instead (the access
 * module's check of the permissions the command required). @internal
 */
export type CommandSettler = (failure: { error: unknown } | undefined) => Promise<void>;

/**
 * The bookkeeping of command handling, kept per message of `MessageContext`: how many
 * aggregate saves the handling of each message made (so the command retry knows whether
 * a try wrote anything), the warm scope of the current try (which warm aggregates it
 * took and must confirm), and what runs when the handling ends (`onSettle`). @internal
 */
@Injectable()
export class CommandTries {
  private readonly saves = new WeakMap<MessageIds, number>();
  private readonly warmScopes = new WeakMap<MessageIds, WarmScope>();
  /** The messages that are commands being handled: their end runs the settlers. */
  private readonly commands = new WeakSet<MessageIds>();
  private readonly settlers: CommandSettler[] = [];

  constructor(private readonly context: MessageContext) {}

  /** Counts a successful aggregate save for the current message and every one that started it. */
  recordSave(): void {
    for (let ids = this.context.current(); ids; ids = this.context.parentOf(ids)) {
      this.saves.set(ids, (this.saves.get(ids) ?? 0) + 1);
    }
  }

  /** How many aggregate saves the current message's handling has made. */
  saveCount(): number {
    const ids = this.context.current();
    return ids ? (this.saves.get(ids) ?? 0) : 0;
  }

  /**
   * Starts a try of the current command's handler: one that may use warm aggregates gets
   * a new scope, returned; one that may not gets none (nor the last try's).
   */
  startTry(warm: boolean): WarmScope | undefined {
    const ids = this.context.current();
    if (!ids) return undefined;
    this.commands.add(ids);
    if (!warm) {
      this.warmScopes.delete(ids);
      return undefined;
    }
    const scope = new WarmScope();
    this.warmScopes.set(ids, scope);
    return scope;
  }

  /** Adds work to run at the end of every command's handling (see {@link CommandSettler}). */
  onSettle(settler: CommandSettler): void {
    this.settlers.push(settler);
  }

  /** Whether the current message is a command being handled, whose end runs the settlers. */
  settlesCurrent(): boolean {
    const ids = this.context.current();
    return ids !== undefined && this.commands.has(ids);
  }

  /** Runs the settlers for the current command's outcome; one that throws decides the error. */
  async settle(failure: { error: unknown } | undefined): Promise<void> {
    for (const settler of this.settlers) await settler(failure);
  }

  /** The warm scope of the current try, when its handler may use warm aggregates. */
  warmScope(): WarmScope | undefined {
    const ids = this.context.current();
    return ids ? this.warmScopes.get(ids) : undefined;
  }

  /**
   * Runs `work` (in-process event handlers, say) with the current ids but outside the
   * current try's warm scope; what it saves still counts as the current message's.
   */
  runDetached<T>(work: () => T): T {
    return this.context.runNested(work);
  }
}
