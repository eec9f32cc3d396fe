import { Injectable } from '@nestjs/common';
import type { Actor } from '../events/actor';
import { MessageContext, type MessageIds } from '../events/message-context';

/** A permission a command needs, checked again in the transaction of each of its appends. @internal */
export interface PermissionRequirement {
  actor: Actor;
  tenantId: string;
  action: string;
  aggregateType: string;
  aggregateId: string;
}

/**
 * What the command being handled requires, kept per try of it (each try is a message of
 * its own in `MessageContext`), so a retried command checks again and a nested one
 * (dispatched by a handler) does not inherit its caller's. @internal
 */
@Injectable()
export class PermissionRequirements {
  private readonly byMessage = new WeakMap<MessageIds, PermissionRequirement[]>();
  /** The checks that passed in each message (a request, a command try), by key. */
  private readonly passed = new WeakMap<MessageIds, Set<string>>();

  constructor(private readonly context: MessageContext) {}

  add(requirement: PermissionRequirement): void {
    const ids = this.context.current();
    if (!ids) return;
    const list = this.byMessage.get(ids) ?? [];
    list.push(requirement);
    this.byMessage.set(ids, list);
  }

  /** Records that a check passed in the current message. */
  notePassed(key: string): void {
    const ids = this.context.current();
    if (!ids) return;
    const keys = this.passed.get(ids) ?? new Set<string>();
    keys.add(key);
    this.passed.set(ids, keys);
  }

  /**
   * Whether the same check passed already in the current message or one that started it
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
    return (ids && this.byMessage.get(ids)) ?? [];
  }
}
