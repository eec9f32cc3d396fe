import { Injectable } from '@nestjs/common';
import { MessageContext, type MessageIds } from '../events/message-context';
import { WarmScope } from './warm-scope';

/**
 * The bookkeeping of command handling, kept per message of `MessageContext`: how many
 * aggregate saves the handling of each message made (so the command retry knows whether
 * a try wrote anything), and the warm scope of the current try (which warm aggregates it
 * took and must confirm). @internal
 */
@Injectable()
export class CommandTries {
  private readonly saves = new WeakMap<MessageIds, number>();
  private readonly warmScopes = new WeakMap<MessageIds, WarmScope>();

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
    if (!warm) {
      this.warmScopes.delete(ids);
      return undefined;
    }
    const scope = new WarmScope();
    this.warmScopes.set(ids, scope);
    return scope;
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
