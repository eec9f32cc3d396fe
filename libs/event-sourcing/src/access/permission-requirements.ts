import { Injectable } from '@nestjs/common';
import { MessageContext, type MessageIds } from '../events/message-context';
import type { AppendPermission } from '../store/append-requirements';

/** A permission a command needs, with the key its checks are known by. @internal */
export interface PermissionRequirement extends AppendPermission {
  key: string;
}

/**
 * What the command being handled requires, kept per message of `MessageContext` (a
 * command's handling is a message of its own, so a nested one, dispatched by a handler,
 * does not inherit its caller's), and which of those checks were made and held: by a
 * read (`can`, the route's guard) or by an append's statement. The stores read them
 * through the module's `AppendRequirementsSlot` and check them with every append of
 * the message. @internal
 */
@Injectable()
export class PermissionRequirements {
  private readonly byMessage = new WeakMap<MessageIds, Map<string, PermissionRequirement>>();
  /** The checks that held in each message (a request, a command), by key. */
  private readonly passed = new WeakMap<MessageIds, Set<string>>();
  constructor(private readonly context: MessageContext) {}

  /** Adds a requirement to the current message (once per key). */
  add(requirement: PermissionRequirement): void {
    const ids = this.context.current();
    if (!ids) return;
    const byKey = this.byMessage.get(ids) ?? new Map<string, PermissionRequirement>();
    byKey.set(requirement.key, requirement);
    this.byMessage.set(ids, byKey);
  }

  /** Records that the checks of `required` (as {@link current} gave them) held, in an append. */
  notePassedAll(required: readonly AppendPermission[]): void {
    for (const one of required) this.notePassed((one as PermissionRequirement).key);
  }

  /** Records that a check held in the current message. */
  notePassed(key: string): void {
    const ids = this.context.current();
    if (!ids) return;
    const keys = this.passed.get(ids) ?? new Set<string>();
    keys.add(key);
    this.passed.set(ids, keys);
  }

  /**
   * Whether the same check held already in the current message or one that started it
   * (the route's guard, for the command it dispatches): the read need not be made again.
   */
  passedBefore(key: string): boolean {
    for (let ids = this.context.current(); ids; ids = this.context.parentOf(ids)) {
      if (this.passed.get(ids)?.has(key)) return true;
    }
    return false;
  }

  /** The requirements of the current message (none outside one). */
  current(): readonly PermissionRequirement[] {
    const ids = this.context.current();
    const byKey = ids && this.byMessage.get(ids);
    return byKey ? [...byKey.values()] : [];
  }

  /** The requirements of the current message that no check has found held yet. */
  unchecked(): PermissionRequirement[] {
    return this.current().filter((required) => !this.passedBefore(required.key));
  }
}
